/// A computation graph as plain values: what a front end (ONNX, a JSON configuration) hands the engine.
///
/// Nodes name their inputs and outputs; an empty input name marks an absent optional input,
/// as in ONNX. `GraphProgram` checks the description and turns it into something runnable.
public struct GraphDescription: Sendable {
    /// A name for messages and reports (the ONNX graph name, or the model file's name).
    public var name: String
    /// The graph inputs that are fed data, with their shapes; `nil` marks a symbolic dimension (the batch).
    public var inputs: [(name: String, shape: [Int?])]
    /// The graph outputs; the first one is the logits `[N, classes]`.
    public var outputs: [String]
    /// The nodes, in any order that the edges allow.
    public var nodes: [GraphNode]
    /// The stored tensors: float ones become the network's parameters, integer ones stay constants.
    public var initializers: [GraphConstant]
    /// The operator-set version of the default domain (ONNX `opset_import`), 13 … 21.
    public var opsetVersion: Int

    public init(name: String, inputs: [(name: String, shape: [Int?])], outputs: [String], nodes: [GraphNode],
                initializers: [GraphConstant], opsetVersion: Int) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.nodes = nodes
        self.initializers = initializers
        self.opsetVersion = opsetVersion
    }
}

/// One operation of a graph: its operator type, named edges and attributes.
public struct GraphNode: Sendable {
    public var name: String
    /// The ONNX operator type, e.g. `Conv`, `MatMul`.
    public var operatorType: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: GraphAttribute]

    public init(name: String, operatorType: String, inputs: [String], outputs: [String],
                attributes: [String: GraphAttribute] = [:]) {
        self.name = name
        self.operatorType = operatorType
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// The node's name for messages: its own, or its first output's when it has none.
    public var displayName: String { name.isEmpty ? "(\(outputs.first ?? "?"))" : name }
}

/// An attribute value of a node.
public enum GraphAttribute: Sendable {
    case integer(Int)
    case float(Float)
    case string(String)
    case integers([Int])
    case floats([Float])
    case strings([String])
    case tensor(GraphConstant)
}

/// A named constant tensor: an initializer or a `Constant` node's value.
public struct GraphConstant: Sendable {
    public var name: String
    public var shape: [Int]
    public var value: Values

    /// The elements: floating-point types arrive as Float, integer and boolean types as Int.
    public enum Values: Sendable {
        case float([Float])
        case integer([Int])
    }

    public init(name: String, shape: [Int], value: Values) {
        self.name = name
        self.shape = shape
        self.value = value
    }

    /// The constant as a runtime value, after checking that its element count matches its shape.
    func graphValue() throws -> GraphValue {
        let count = shape.reduce(1, *)
        switch value {
        case .float(let values):
            guard values.count == count else { throw Self.mismatch(name, shape, values.count) }
            return .float(FloatTensor(computedShape: shape, values: values))
        case .integer(let values):
            guard values.count == count else { throw Self.mismatch(name, shape, values.count) }
            return .integer(IntegerTensor(shape: shape, values: values))
        }
    }

    private static func mismatch(_ name: String, _ shape: [Int], _ count: Int) -> EngineError {
        EngineError(.architectureMismatch, "constant '\(name)' has \(count) values but shape \(shape)")
    }
}
