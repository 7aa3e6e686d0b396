/// Max pooling over square windows (no padding); the gradient flows to each window's maximum.
public final class MaxPool2D: Layer {
    public let name: String
    let geometry: ConvolutionGeometry
    /// For each output element, the flat index of the input element that won.
    private var winners: [Int32] = []
    private var cachedInputShape: [Int] = []

    init(name: String, geometry: ConvolutionGeometry) {
        self.name = name
        self.geometry = geometry
    }

    public var outputShape: [Int] { [geometry.channels, geometry.outputHeight, geometry.outputWidth] }
    public var parameters: [Parameter] { [] }

    public func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor {
        let planes = input.batchSize * geometry.channels
        let outHeight = geometry.outputHeight, outWidth = geometry.outputWidth
        let width = geometry.width, stride = geometry.stride
        let kernelHeight = geometry.kernelHeight, kernelWidth = geometry.kernelWidth
        cachedInputShape = input.shape
        if mode == .prediction && kernelHeight == 2 && kernelWidth == 2 && stride == 2 { return predictPairs(input) }
        var output = [Float](repeating: 0, count: planes * geometry.outputPixels)
        // A prediction needs no gradient route: the winners are neither kept nor written.
        let keepsWinners = mode != .prediction
        if keepsWinners && winners.count != output.count { winners = [Int32](repeating: 0, count: output.count) }
        let channels = geometry.channels, inputPixels = geometry.inputPixels, outputPixels = geometry.outputPixels
        input.values.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { out in
                winners.withUnsafeMutableBufferPointer { best in
                    let (x, out, best) = (DisjointAccess(x), DisjointAccess(out), DisjointAccess(best))
                    // Images touch disjoint planes, so they are pooled on all threads (it was a
                    // single-threaded tenth of the tuner's evaluations on LeNet-5).
                    ImageChunks.forEach(batch: input.batchSize, work: input.values.count) { images in
                        let (x, out, best) = (x.pointer, out.pointer, best.pointer)
                        for plane in (images.lowerBound * channels)..<(images.upperBound * channels) {
                            let planeStart = plane * inputPixels
                            var outIndex = plane * outputPixels
                            for outRow in 0..<outHeight {
                                for outColumn in 0..<outWidth {
                                    var bestIndex = planeStart + outRow * stride * width + outColumn * stride
                                    var bestValue = x[bestIndex]
                                    for kernelRow in 0..<kernelHeight {
                                        let rowStart = planeStart + (outRow * stride + kernelRow) * width + outColumn * stride
                                        for kernelColumn in 0..<kernelWidth where x[rowStart + kernelColumn] > bestValue {
                                            bestValue = x[rowStart + kernelColumn]
                                            bestIndex = rowStart + kernelColumn
                                        }
                                    }
                                    out[outIndex] = bestValue
                                    if keepsWinners { best[outIndex] = Int32(bestIndex) }
                                    outIndex += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return FloatTensor(computedShape: [input.batchSize] + outputShape, values: output)
    }

    /// 2×2 windows at stride 2 (LeNet's pooling) without winners: the general loop's bounds and
    /// bookkeeping cost more than the four comparisons. Same values, ties and NaNs as `forward`.
    private func predictPairs(_ input: FloatTensor) -> FloatTensor {
        let outHeight = geometry.outputHeight, outWidth = geometry.outputWidth, width = geometry.width
        let channels = geometry.channels, inputPixels = geometry.inputPixels, outputPixels = geometry.outputPixels
        var output = [Float](repeating: 0, count: input.batchSize * channels * outputPixels)
        input.values.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { out in
                let (x, out) = (DisjointAccess(x), DisjointAccess(out))
                ImageChunks.forEach(batch: input.batchSize, work: input.values.count) { images in
                    let (x, out) = (x.pointer, out.pointer)
                    for plane in (images.lowerBound * channels)..<(images.upperBound * channels) {
                        for outRow in 0..<outHeight {
                            let top = plane * inputPixels + 2 * outRow * width, bottom = top + width
                            let destination = plane * outputPixels + outRow * outWidth
                            for outColumn in 0..<outWidth {
                                var best = x[top + 2 * outColumn]
                                let candidates = (x[top + 2 * outColumn + 1], x[bottom + 2 * outColumn], x[bottom + 2 * outColumn + 1])
                                best = candidates.0 > best ? candidates.0 : best
                                best = candidates.1 > best ? candidates.1 : best
                                best = candidates.2 > best ? candidates.2 : best
                                out[destination + outColumn] = best
                            }
                        }
                    }
                }
            }
        }
        return FloatTensor(computedShape: [input.batchSize] + outputShape, values: output)
    }

    public func backward(_ outputGradient: FloatTensor) -> FloatTensor {
        var inputGradient = [Float](repeating: 0, count: cachedInputShape.reduce(1, *))
        outputGradient.values.withUnsafeBufferPointer { dy in
            winners.withUnsafeBufferPointer { best in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    for index in 0..<dy.count { dx[Int(best[index])] += dy[index] }
                }
            }
        }
        return FloatTensor(computedShape: cachedInputShape, values: inputGradient)
    }
}
