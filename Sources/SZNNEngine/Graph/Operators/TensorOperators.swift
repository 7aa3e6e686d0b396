/// Elementwise, shape and transformer operators: arithmetic with broadcasting, activations,
/// Softmax, LayerNormalization, ReduceMean and the data movement of exported graphs.
extension OperatorRegistry {
    static let tensorOperators: [String: Builder] = [
        "Add": { node, _ in BinaryOperator<Addition>(node) },
        "Sub": { node, _ in BinaryOperator<Subtraction>(node) },
        "Mul": { node, _ in BinaryOperator<Multiplication>(node) },
        "Div": { node, _ in BinaryOperator<Division>(node) },
        "Pow": { node, _ in BinaryOperator<Power>(node) },
        "Equal": { node, _ in EqualOperator(node) },
        "Where": { node, _ in WhereOperator(node) },
        "Sqrt": { node, _ in UnaryOperator(node, SquareRoot()) },
        "Neg": { node, _ in UnaryOperator(node, Negation()) },
        "Sigmoid": { node, _ in UnaryOperator(node, Sigmoid()) },
        "Tanh": { node, _ in UnaryOperator(node, HyperbolicTangent()) },
        "Erf": { node, _ in UnaryOperator(node, ErrorFunction()) },
        "LeakyRelu": { node, _ in UnaryOperator(node, LeakyRectifier(alpha: try NodeAttributes(node).float("alpha", default: 0.01))) },
        "Clip": { node, opset in
            guard node.attributes["min"] == nil && node.attributes["max"] == nil else {
                throw NodeAttributes(node).unsupported("min/max attributes (opset < 11); opset \(opset) takes them as inputs")
            }
            return UnaryOperator(node, Clamp(node: node))
        },
        "Gelu": { node, _ in
            switch try NodeAttributes(node).string("approximate", default: "none") {
            case "none": return UnaryOperator(node, GaussianErrorLinear(usesTanh: false))
            case "tanh": return UnaryOperator(node, GaussianErrorLinear(usesTanh: true))
            case let other: throw NodeAttributes(node).unsupported("approximate = \"\(other)\"")
            }
        },
        "Softmax": { node, opset in try SoftmaxOperator(node, opsetVersion: opset) },
        "LayerNormalization": { node, _ in try LayerNormalizationOperator(node) },
        "ReduceMean": { node, opset in try ReduceMeanOperator(node, opsetVersion: opset) },
        "Reshape": { node, _ in ReshapeOperator(node, .reshape(allowsZero: try NodeAttributes(node).integer("allowzero", default: 0) != 0)) },
        "Squeeze": { node, _ in ReshapeOperator(node, .squeeze(attributeAxes: try optionalAxes(node))) },
        "Unsqueeze": { node, _ in ReshapeOperator(node, .unsqueeze(attributeAxes: try optionalAxes(node))) },
        "Transpose": { node, _ in StridedViewOperator(node, .transpose(try optionalIntegers(node, "perm"))) },
        "Slice": { node, _ in StridedViewOperator(node, .slice) },
        "Expand": { node, _ in ExpandOperator(node) },
        "Concat": { node, _ in try ConcatOperator(node) },
        "Split": { node, _ in try SplitOperator(node) },
        "Gather": { node, _ in try GatherOperator(node) },
        "Shape": { node, _ in try ShapeOperator(node) },
        "Constant": { node, _ in try ConstantOperator(node) },
        "ConstantOfShape": { node, _ in try ConstantOfShapeOperator(node) },
        "Cast": { node, _ in try CastOperator(node) },
        "Range": { node, _ in RangeOperator(node) },
    ]

    /// The `axes` attribute of Squeeze/Unsqueeze before opset 13 (later opsets pass an input).
    private static func optionalAxes(_ node: GraphNode) throws -> [Int]? {
        try optionalIntegers(node, "axes")
    }

    /// An integer-list attribute, or nil when the node does not set it.
    private static func optionalIntegers(_ node: GraphNode, _ name: String) throws -> [Int]? {
        node.attributes[name] == nil ? nil : try NodeAttributes(node).integers(name, default: [])
    }
}
