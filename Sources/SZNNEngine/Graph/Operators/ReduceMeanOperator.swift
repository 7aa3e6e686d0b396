/// ONNX ReduceMean: the mean over `axes` (an attribute before opset 18, the second input from 18;
/// none given: all axes, unless `noop_with_empty_axes`), keeping reduced axes as 1 when `keepdims`.
final class ReduceMeanOperator: GraphOperator {
    private let node: GraphNode
    private let attributeAxes: [Int]?
    private let keepsDimensions: Bool, emptyAxesIsIdentity: Bool
    private var plan: Broadcast?
    private var outputShape: [Int] = []

    init(_ node: GraphNode, opsetVersion: Int) throws {
        self.node = node
        let attributes = NodeAttributes(node)
        attributeAxes = opsetVersion < 18 && node.attributes["axes"] != nil ? try attributes.integers("axes", default: []) : nil
        keepsDimensions = try attributes.integer("keepdims", default: 1) != 0
        emptyAxesIsIdentity = try attributes.integer("noop_with_empty_axes", default: 0) != 0
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let input = try ShapeArithmetic.data(inputs, node: node).floatTensor(node, input: 0)
        let rank = input.shape.count
        let given = attributeAxes ?? ShapeArithmetic.integers(inputs, 1) ?? []
        if given.isEmpty && emptyAxesIsIdentity {
            plan = nil
            outputShape = input.shape
            return [.float(input)]
        }
        let axes = Set(given.isEmpty ? Array(0..<rank) : try ShapeArithmetic.axes(given, rank: rank, node: node))
        let kept = input.shape.indices.map { axes.contains($0) ? 1 : input.shape[$0] }
        let plan = try Broadcast([input.shape, kept], node: node)
        self.plan = plan
        outputShape = keepsDimensions ? kept : input.shape.indices.filter { !axes.contains($0) }.map { input.shape[$0] }
        let scale = Float(plan.operandCounts[1]) / Float(max(1, plan.outputCount))
        let sums = plan.reduce(input.values, toOperand: 1)
        return [.float(FloatTensor(computedShape: outputShape, values: sums.map { $0 * scale }))]
    }

    /// Each input element receives its mean's gradient divided by the number of averaged elements.
    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        var result: [FloatTensor?] = needed.map { _ in nil }
        guard let gradient = outputGradients.first ?? nil, needed.first == true else { return result }
        guard let plan else {
            result[0] = gradient
            return result
        }
        let scale = Float(plan.operandCounts[1]) / Float(max(1, plan.outputCount))
        result[0] = FloatTensor(computedShape: plan.outputShape,
                                values: plan.expand(gradient.values.map { $0 * scale }, operand: 1))
        return result
    }
}
