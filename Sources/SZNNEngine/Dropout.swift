/// Inverted dropout: in training, zeroes each element with probability `rate` and scales the
/// survivors by 1 / (1 − rate); in inference, the identity.
public final class Dropout: Layer {
    public let name: String
    public let outputShape: [Int]
    public let rate: Float
    /// The layer's own seeded stream, so masks are reproducible for a given network seed.
    var generator: RandomGenerator
    /// 0 or 1/(1 − rate) per element of the last training batch; empty after inference.
    private var mask: [Float] = []

    init(name: String, shape: [Int], rate: Float, seed: UInt64) {
        self.name = name
        self.outputShape = shape
        self.rate = rate
        self.generator = RandomGenerator(seed: seed)
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor {
        guard mode == .training, rate > 0 else {
            mask = []
            return input
        }
        let keepScale = 1 / (1 - rate)
        if mask.count != input.count { mask = [Float](repeating: 0, count: input.count) }
        var output = input
        mask.withUnsafeMutableBufferPointer { keep in
            output.values.withUnsafeMutableBufferPointer { values in
                for index in values.indices {
                    keep[index] = generator.nextUnitFloat() < rate ? 0 : keepScale
                    values[index] *= keep[index]
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: FloatTensor) -> FloatTensor {
        guard !mask.isEmpty else { return outputGradient }
        var inputGradient = outputGradient
        mask.withUnsafeBufferPointer { keep in
            inputGradient.values.withUnsafeMutableBufferPointer { dx in
                for index in dx.indices { dx[index] *= keep[index] }
            }
        }
        return inputGradient
    }
}
