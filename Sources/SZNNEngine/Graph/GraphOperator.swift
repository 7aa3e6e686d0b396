/// One node's computation, micrograd style: `forward` caches what `backward` needs.
///
/// Operators are built once per node (`OperatorRegistry`), so they keep scratch buffers and
/// caches between calls, as layers do. `backward` follows the `forward` of the same batch.
protocol GraphOperator: AnyObject {
    /// Computes the node's outputs from its inputs (`nil` for an absent optional input).
    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue]
    /// Given d(loss)/d(output) per output (`nil`: none reaches it), returns d(loss)/d(input) per input.
    ///
    /// `needed[i]` says whether input i's gradient is wanted (it leads to a trainable parameter);
    /// an operator may return `nil` for inputs that are not needed or not differentiable.
    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?]
}

extension GraphOperator {
    /// Shape and index operators have no gradient: the default returns none.
    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        needed.map { _ in nil }
    }
}

/// A node's attributes with typed accessors that name the node in their errors.
struct NodeAttributes {
    let node: GraphNode

    init(_ node: GraphNode) { self.node = node }

    func integer(_ name: String, default value: Int) throws -> Int {
        switch node.attributes[name] {
        case nil: return value
        case .integer(let integer)?: return integer
        default: throw wrongType(name, "an integer")
        }
    }

    func integers(_ name: String, default value: [Int]) throws -> [Int] {
        switch node.attributes[name] {
        case nil: return value
        case .integers(let integers)?: return integers
        case .integer(let integer)?: return [integer]
        default: throw wrongType(name, "a list of integers")
        }
    }

    func float(_ name: String, default value: Float) throws -> Float {
        switch node.attributes[name] {
        case nil: return value
        case .float(let float)?: return float
        case .integer(let integer)?: return Float(integer)
        default: throw wrongType(name, "a float")
        }
    }

    func string(_ name: String, default value: String) throws -> String {
        switch node.attributes[name] {
        case nil: return value
        case .string(let string)?: return string
        default: throw wrongType(name, "a string")
        }
    }

    /// An error for a value the engine does not implement (an attribute setting or an input form).
    func unsupported(_ what: String) -> EngineError {
        EngineError(.architectureMismatch, "node \(node.displayName) (\(node.operatorType)): \(what) is not supported")
    }

    private func wrongType(_ name: String, _ expected: String) -> EngineError {
        EngineError(.architectureMismatch, "node \(node.displayName) (\(node.operatorType)): attribute '\(name)' must be \(expected)")
    }
}
