/// ONNX Flatten: [d0 … dn] → [d0·…·d(axis−1), d(axis)·…·dn]; a negative axis counts from the end.
final class FlattenOperator: GraphOperator {
    private let node: GraphNode
    private let axis: Int
    private var inputShape: [Int] = []

    init(_ node: GraphNode) throws {
        self.node = node
        axis = try NodeAttributes(node).integer("axis", default: 1)
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard let value = inputs.first ?? nil else { throw NodeAttributes(node).unsupported("a missing input") }
        let rank = value.shape.count
        let split = axis < 0 ? axis + rank : axis
        guard split >= 0 && split <= rank else {
            throw NodeAttributes(node).unsupported("axis \(axis) for an input of rank \(rank)")
        }
        inputShape = value.shape
        let shape = [value.shape.prefix(split).reduce(1, *), value.shape.dropFirst(split).reduce(1, *)]
        switch value {
        case .float(let tensor): return [.float(tensor.reshaped(shape))]
        case .integer(let tensor): return [.integer(IntegerTensor(shape: shape, values: tensor.values))]
        }
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        [(outputGradients.first ?? nil)?.reshaped(inputShape)]
    }
}
