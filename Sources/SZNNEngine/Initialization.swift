/// How a layer's weights are drawn at construction (biases always start at zero).
public enum WeightInitialization: String, Sendable, Codable {
    /// He (Kaiming) normal: N(0, 2 / fanIn). Suits layers followed by ReLU.
    case he
    /// Glorot (Xavier) uniform: U(±√(6 / (fanIn + fanOut))). Suits linear outputs.
    case glorot

    /// Draws `count` weights for a layer with the given fan-in and fan-out.
    func values(count: Int, fanIn: Int, fanOut: Int, generator: inout RandomGenerator) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        switch self {
        case .he:
            let standardDeviation = (2 / Float(max(1, fanIn))).squareRoot()
            for index in 0..<count { values[index] = standardDeviation * generator.nextGaussian() }
        case .glorot:
            let limit = (6 / Float(max(1, fanIn + fanOut))).squareRoot()
            for index in 0..<count { values[index] = generator.nextFloat(in: -limit, limit) }
        }
        return values
    }
}
