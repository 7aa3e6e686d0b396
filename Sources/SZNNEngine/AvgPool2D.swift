/// Average pooling over square windows (no padding); the gradient is shared equally.
public final class AvgPool2D: Layer {
    public let name: String
    let geometry: ConvolutionGeometry
    private var cachedInputShape: [Int] = []

    init(name: String, geometry: ConvolutionGeometry) {
        self.name = name
        self.geometry = geometry
    }

    public var outputShape: [Int] { [geometry.channels, geometry.outputHeight, geometry.outputWidth] }
    public var parameters: [Parameter] { [] }

    public func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor {
        cachedInputShape = input.shape
        let planes = input.batchSize * geometry.channels
        var output = [Float](repeating: 0, count: planes * geometry.outputPixels)
        let scale = 1 / Float(geometry.kernelHeight * geometry.kernelWidth)
        input.values.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { out in
                visitWindows(planes: planes) { outIndex, inIndex in out[outIndex] += x[inIndex] * scale }
            }
        }
        return FloatTensor(computedShape: [input.batchSize] + outputShape, values: output)
    }

    public func backward(_ outputGradient: FloatTensor) -> FloatTensor {
        var inputGradient = [Float](repeating: 0, count: cachedInputShape.reduce(1, *))
        let scale = 1 / Float(geometry.kernelHeight * geometry.kernelWidth)
        let planes = cachedInputShape[0] * geometry.channels
        outputGradient.values.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                visitWindows(planes: planes) { outIndex, inIndex in dx[inIndex] += dy[outIndex] * scale }
            }
        }
        return FloatTensor(computedShape: cachedInputShape, values: inputGradient)
    }

    /// Calls `body(outputIndex, inputIndex)` for every input element of every window.
    @inline(__always)
    private func visitWindows(planes: Int, _ body: (Int, Int) -> Void) {
        let width = geometry.width, stride = geometry.stride
        var outIndex = 0
        for plane in 0..<planes {
            let planeStart = plane * geometry.inputPixels
            for outRow in 0..<geometry.outputHeight {
                for outColumn in 0..<geometry.outputWidth {
                    for kernelRow in 0..<geometry.kernelHeight {
                        let rowStart = planeStart + (outRow * stride + kernelRow) * width + outColumn * stride
                        for kernelColumn in 0..<geometry.kernelWidth { body(outIndex, rowStart + kernelColumn) }
                    }
                    outIndex += 1
                }
            }
        }
    }
}
