/// Axis and shape bookkeeping shared by the tensor operators.
enum ShapeArithmetic {
    /// `axis` made non-negative for a tensor of `rank` (ONNX counts negative axes from the end).
    static func axis(_ axis: Int, rank: Int, node: GraphNode) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < max(rank, 1) else {
            throw EngineError(.architectureMismatch,
                              "node \(node.displayName) (\(node.operatorType)): axis \(axis) is out of range for rank \(rank)")
        }
        return resolved
    }

    /// `axes` made non-negative, checked to be distinct.
    static func axes(_ axes: [Int], rank: Int, node: GraphNode) throws -> [Int] {
        let resolved = try axes.map { try axis($0, rank: rank, node: node) }
        guard Set(resolved).count == resolved.count else {
            throw NodeAttributes(node).unsupported("repeated axes \(axes)")
        }
        return resolved
    }

    /// The shape seen as (elements before `axis`, the axis's size, elements after it).
    static func split(_ shape: [Int], at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        guard !shape.isEmpty else { return (1, 1, 1) }
        return (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Row-major strides of `shape`, in elements.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in shape.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        return strides
    }

    /// The integers of optional input `index` (shapes, axes, starts…), or nil when it is absent.
    static func integers(_ inputs: [GraphValue?], _ index: Int) -> [Int]? {
        guard index < inputs.count, let value = inputs[index] else { return nil }
        return value.integerValues()
    }

    /// The first input, which every tensor operator requires.
    static func data(_ inputs: [GraphValue?], node: GraphNode) throws -> GraphValue {
        guard let first = inputs.first ?? nil else { throw NodeAttributes(node).unsupported("an absent data input") }
        return first
    }
}

extension GraphValue {
    /// The same elements under a new shape of equal count (Reshape, Squeeze, Unsqueeze).
    func reshaped(_ shape: [Int]) -> GraphValue {
        switch self {
        case .float(let tensor): .float(FloatTensor(computedShape: shape, values: tensor.values))
        case .integer(let tensor): .integer(IntegerTensor(shape: shape, values: tensor.values))
        }
    }

    /// The value with its elements rearranged by `transform`, which works for any element type.
    func rearranged(_ shape: [Int], _ transform: Rearrangement) -> GraphValue {
        switch self {
        case .float(let tensor): .float(FloatTensor(computedShape: shape, values: transform.apply(tensor.values)))
        case .integer(let tensor): .integer(IntegerTensor(shape: shape, values: transform.apply(tensor.values)))
        }
    }
}

/// A data movement that works on any element type (Transpose, Slice, Gather, Expand…).
protocol Rearrangement {
    func apply<Element>(_ values: [Element]) -> [Element]
}
