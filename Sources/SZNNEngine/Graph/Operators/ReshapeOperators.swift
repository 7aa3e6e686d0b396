/// ONNX Reshape, Squeeze and Unsqueeze: the same elements under a new shape, computed at run
/// time from integer inputs (so a dynamic batch axis works); the gradient is reshaped back.
final class ReshapeOperator: GraphOperator {
    enum Kind {
        /// Reshape: `allowzero` makes a 0 in the shape a real 0 instead of "copy this axis".
        case reshape(allowsZero: Bool)
        /// Squeeze and Unsqueeze, with the axes attribute of opsets before 13 when present.
        case squeeze(attributeAxes: [Int]?)
        case unsqueeze(attributeAxes: [Int]?)
    }

    private let node: GraphNode
    private let kind: Kind
    private var inputShape: [Int] = []

    init(_ node: GraphNode, _ kind: Kind) {
        self.node = node
        self.kind = kind
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let data = try ShapeArithmetic.data(inputs, node: node)
        inputShape = data.shape
        let shape: [Int]
        switch kind {
        case .reshape(let allowsZero):
            guard let requested = ShapeArithmetic.integers(inputs, 1) else { throw NodeAttributes(node).unsupported("an absent shape input") }
            shape = try reshaped(requested, allowsZero: allowsZero)
        case .squeeze(let attributeAxes):
            let given = try attributeAxes ?? ShapeArithmetic.integers(inputs, 1).map {
                try ShapeArithmetic.axes($0, rank: inputShape.count, node: node)
            }
            let axes = Set(given ?? inputShape.indices.filter { inputShape[$0] == 1 })
            guard axes.allSatisfy({ $0 >= 0 && $0 < inputShape.count && inputShape[$0] == 1 }) else {
                throw NodeAttributes(node).unsupported("squeezing axes \(axes.sorted()) of shape \(inputShape)")
            }
            shape = inputShape.indices.filter { !axes.contains($0) }.map { inputShape[$0] }
        case .unsqueeze(let attributeAxes):
            guard let given = attributeAxes ?? ShapeArithmetic.integers(inputs, 1) else {
                throw NodeAttributes(node).unsupported("an absent axes input")
            }
            let rank = inputShape.count + given.count
            let axes = Set(try ShapeArithmetic.axes(given, rank: rank, node: node))
            var remaining = inputShape.makeIterator()
            shape = (0..<rank).map { axes.contains($0) ? 1 : remaining.next()! }
        }
        return [data.reshaped(shape)]
    }

    /// Reshape's target: 0 copies the input's size on that axis (unless allowzero), −1 is inferred.
    private func reshaped(_ requested: [Int], allowsZero: Bool) throws -> [Int] {
        var shape = requested.enumerated().map { index, size in
            size == 0 && !allowsZero && index < inputShape.count ? inputShape[index] : size
        }
        let count = inputShape.reduce(1, *)
        let inferred = shape.indices.filter { shape[$0] == -1 }
        let known = shape.filter { $0 != -1 }.reduce(1, *)
        if inferred.count == 1, known > 0, count % known == 0 {
            shape[inferred[0]] = count / known
        }
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == count else {
            throw EngineError(.architectureMismatch,
                              "node \(node.displayName) (Reshape): cannot reshape \(inputShape) to \(requested)")
        }
        return shape
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        var result: [FloatTensor?] = needed.map { _ in nil }
        guard let gradient = outputGradients.first ?? nil, needed.first == true else { return result }
        result[0] = gradient.reshaped(inputShape)
        return result
    }
}

/// ONNX Expand: broadcasts the data to a shape given as an integer input (numpy rules, both ways).
final class ExpandOperator: GraphOperator {
    private let node: GraphNode
    private var plan: Broadcast?

    init(_ node: GraphNode) { self.node = node }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let data = try ShapeArithmetic.data(inputs, node: node)
        guard let shape = ShapeArithmetic.integers(inputs, 1) else { throw NodeAttributes(node).unsupported("an absent shape input") }
        let plan = try Broadcast([data.shape, shape], node: node)
        self.plan = plan
        switch data {
        case .float(let tensor): return [.float(FloatTensor(computedShape: plan.outputShape, values: plan.expand(tensor.values, operand: 0)))]
        case .integer(let tensor): return [.integer(IntegerTensor(shape: plan.outputShape, values: plan.expand(tensor.values, operand: 0)))]
        }
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        var result: [FloatTensor?] = needed.map { _ in nil }
        guard let gradient = outputGradients.first ?? nil, let plan, needed.first == true else { return result }
        result[0] = FloatTensor(computedShape: plan.operandShapes[0], values: plan.reduce(gradient.values, toOperand: 0))
        return result
    }
}
