/// The rectifier max(0, x); the gradient passes where the input was positive.
public final class ReLU: Layer {
    public let name: String
    public let outputShape: [Int]
    private var cachedOutput: FloatTensor?

    init(name: String, shape: [Int]) {
        self.name = name
        self.outputShape = shape
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor {
        let output = FloatTensor(computedShape: input.shape, values: ReLU.rectified(input.values))
        cachedOutput = output
        return output
    }

    /// max(0, x) of every value, in one pass into a fresh buffer (copying first and then clamping
    /// would read and write every element twice); shared with the graph's Relu.
    static func rectified(_ values: [Float]) -> [Float] {
        values.withUnsafeBufferPointer { x in
            [Float](unsafeUninitializedCapacity: x.count) { y, initialized in
                for index in 0..<x.count { y[index] = max(0, x[index]) }
                initialized = x.count
            }
        }
    }

    public func backward(_ outputGradient: FloatTensor) -> FloatTensor {
        guard let output = cachedOutput else { preconditionFailure("ReLU.backward before forward") }
        var inputGradient = outputGradient
        output.values.withUnsafeBufferPointer { y in
            inputGradient.values.withUnsafeMutableBufferPointer { dx in
                for index in dx.indices where y[index] <= 0 { dx[index] = 0 }
            }
        }
        return inputGradient
    }
}
