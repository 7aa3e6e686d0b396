/// ONNX Dropout: inverted dropout with probability `ratio` (input 1, default 0.5) when training,
/// the identity otherwise; the optional second output is the keep mask (1 kept, 0 dropped).
///
/// It applies when the engine trains (`ForwardMode.training`) or the node's training_mode input
/// is true. Masks come from the operator's own stream, seeded from the `seed` attribute or the
/// node's name, so training runs are reproducible.
final class DropoutOperator: GraphOperator {
    private let node: GraphNode
    private let defaultRatio: Float
    /// The operator's random stream; tests reset it to replay a mask.
    var generator: RandomGenerator
    /// 0 or 1/(1 − ratio) per element of the last training forward; empty when it was the identity.
    private var scales: [Float] = []

    init(_ node: GraphNode) throws {
        let attributes = NodeAttributes(node)
        self.node = node
        defaultRatio = try attributes.float("ratio", default: 0.5)
        let seed = try attributes.integer("seed", default: Self.stableHash(node.displayName))
        generator = RandomGenerator(seed: UInt64(bitPattern: Int64(seed)))
    }

    /// FNV-1a of the name: the same seed in every process (Swift's `hashValue` is randomised).
    private static func stableHash(_ name: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(Int64(bitPattern: hash))
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard let value = inputs.first ?? nil else { throw NodeAttributes(node).unsupported("a missing input") }
        var tensor = try value.floatTensor(node, input: 0)
        var ratio = defaultRatio
        if inputs.count > 1, let given = inputs[1] { ratio = try given.floatTensor(node, input: 1).values.first ?? defaultRatio }
        let requested = inputs.count > 2 ? (inputs[2]?.integerValues().first ?? 0) != 0 : false
        guard ratio >= 0 && ratio < 1 else { throw NodeAttributes(node).unsupported("ratio \(ratio)") }
        scales = []
        if (mode == .training || requested) && ratio > 0 {
            let keepScale = 1 / (1 - ratio)
            scales = [Float](repeating: 0, count: tensor.count)
            scales.withUnsafeMutableBufferPointer { scale in
                tensor.values.withUnsafeMutableBufferPointer { values in
                    for index in values.indices {
                        scale[index] = generator.nextUnitFloat() < ratio ? 0 : keepScale
                        values[index] *= scale[index]
                    }
                }
            }
        }
        var outputs: [GraphValue] = [.float(tensor)]
        if node.outputs.count > 1 {
            let mask = scales.isEmpty ? [Int](repeating: 1, count: tensor.count) : scales.map { $0 == 0 ? 0 : 1 }
            outputs.append(.integer(IntegerTensor(shape: tensor.shape, values: mask)))
        }
        return outputs
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard var gradient = outputGradients.first ?? nil else { return needed.map { _ in nil } }
        if !scales.isEmpty {
            scales.withUnsafeBufferPointer { scale in
                gradient.values.withUnsafeMutableBufferPointer { dx in
                    for index in dx.indices { dx[index] *= scale[index] }
                }
            }
        }
        return [gradient] + needed.dropFirst().map { _ in nil }
    }
}
