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
        var output = input
        output.values.withUnsafeMutableBufferPointer { values in
            for index in values.indices where values[index] < 0 { values[index] = 0 }
        }
        cachedOutput = output
        return output
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
