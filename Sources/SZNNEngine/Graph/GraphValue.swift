/// A value flowing along a graph edge: a float tensor (data, weights) or an integer one (shapes, indices, masks).
public enum GraphValue: Sendable {
    case float(FloatTensor)
    case integer(IntegerTensor)

    /// The value's shape.
    public var shape: [Int] {
        switch self {
        case .float(let tensor): tensor.shape
        case .integer(let tensor): tensor.shape
        }
    }
}

/// A dense row-major integer tensor: ONNX int64/int32/bool values (booleans as 0 and 1).
public struct IntegerTensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Int]

    public init(shape: [Int], values: [Int]) {
        assert(shape.reduce(1, *) == values.count, "inconsistent integer tensor")
        self.shape = shape
        self.values = values
    }

    /// Number of elements.
    public var count: Int { values.count }
}

extension GraphValue {
    /// The float tensor, or an error naming the operator and input when the value is an integer one.
    func floatTensor(_ node: GraphNode, input: Int) throws -> FloatTensor {
        switch self {
        case .float(let tensor): return tensor
        case .integer:
            throw EngineError(.architectureMismatch,
                              "node \(node.displayName) (\(node.operatorType)): input \(input) must be a float tensor, got an integer one")
        }
    }

    /// The elements as integers (shape inputs given as float constants are truncated), for shape arithmetic.
    func integerValues() -> [Int] {
        switch self {
        case .integer(let tensor): tensor.values
        case .float(let tensor): tensor.values.map { Int($0) }
        }
    }
}
