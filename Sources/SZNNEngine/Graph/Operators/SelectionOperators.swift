/// ONNX Equal: elementwise a == b with broadcasting, as a boolean (0/1) integer tensor.
final class EqualOperator: GraphOperator {
    private let node: GraphNode

    init(_ node: GraphNode) { self.node = node }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard inputs.count == 2, let first = inputs[0], let second = inputs[1] else {
            throw NodeAttributes(node).unsupported("an absent input")
        }
        let plan = try Broadcast([first.shape, second.shape], node: node)
        let values: [Int]
        switch (first, second) {
        case (.float(let x), .float(let y)):
            values = zip(plan.expand(x.values, operand: 0), plan.expand(y.values, operand: 1)).map { $0 == $1 ? 1 : 0 }
        case (.integer(let x), .integer(let y)):
            values = zip(plan.expand(x.values, operand: 0), plan.expand(y.values, operand: 1)).map { $0 == $1 ? 1 : 0 }
        default:
            throw NodeAttributes(node).unsupported("comparing a float with an integer tensor")
        }
        return [.integer(IntegerTensor(shape: plan.outputShape, values: values))]
    }
}

/// ONNX Where: condition ? X : Y with three-way broadcasting; the gradient goes to X where the
/// condition holds and to Y elsewhere, summed back to each one's shape.
final class WhereOperator: GraphOperator {
    private let node: GraphNode
    private var condition: [Bool] = []
    private var plan: Broadcast?

    init(_ node: GraphNode) { self.node = node }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard inputs.count == 3, case .integer(let mask)?? = inputs.first, let x = inputs[1], let y = inputs[2] else {
            throw NodeAttributes(node).unsupported("a condition that is not a boolean tensor, or an absent input")
        }
        let plan = try Broadcast([mask.shape, x.shape, y.shape], node: node)
        condition = plan.expand(mask.values, operand: 0).map { $0 != 0 }
        switch (x, y) {
        case (.float(let a), .float(let b)):
            self.plan = plan
            return [.float(FloatTensor(computedShape: plan.outputShape,
                                       values: select(plan.expand(a.values, operand: 1), plan.expand(b.values, operand: 2))))]
        case (.integer(let a), .integer(let b)):
            self.plan = nil
            return [.integer(IntegerTensor(shape: plan.outputShape,
                                           values: select(plan.expand(a.values, operand: 1), plan.expand(b.values, operand: 2))))]
        default:
            throw NodeAttributes(node).unsupported("mixing float and integer branches")
        }
    }

    private func select<Element>(_ whenTrue: [Element], _ whenFalse: [Element]) -> [Element] {
        var result = whenFalse
        for index in result.indices where condition[index] { result[index] = whenTrue[index] }
        return result
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let gradient = outputGradients.first ?? nil, let plan else { return [nil, nil, nil] }
        var result: [FloatTensor?] = [nil, nil, nil]
        for (operand, keep) in [(1, true), (2, false)] where needed[operand] {
            var masked = gradient.values
            for index in masked.indices where condition[index] != keep { masked[index] = 0 }
            result[operand] = FloatTensor(computedShape: plan.operandShapes[operand],
                                          values: plan.reduce(masked, toOperand: operand))
        }
        return result
    }
}
