/// Picks slices along one axis: for each outer block and each index, `inner` contiguous elements.
struct AxisGather: Rearrangement {
    let outer: Int, axisLength: Int, inner: Int
    /// Non-negative indices into the axis.
    let indices: [Int]

    func apply<Element>(_ values: [Element]) -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(outer * indices.count * inner)
        for block in 0..<outer {
            for index in indices {
                let start = (block * axisLength + index) * inner
                result.append(contentsOf: values[start..<(start + inner)])
            }
        }
        return result
    }

    /// The gradient of `apply`: slices added back where they came from (repeated indices add up).
    func scatter(_ gradient: [Float], inputCount: Int) -> [Float] {
        var result = [Float](repeating: 0, count: inputCount)
        gradient.withUnsafeBufferPointer { g in
            result.withUnsafeMutableBufferPointer { r in
                var source = 0
                for block in 0..<outer {
                    for index in indices {
                        let start = (block * axisLength + index) * inner
                        for offset in 0..<inner { r[start + offset] += g[source + offset] }
                        source += inner
                    }
                }
            }
        }
        return result
    }
}

/// ONNX Gather: output shape data[..<axis] + indices.shape + data[axis+1...]; indices of any
/// rank, negative ones counted from the end. The float gradient scatter-adds (embeddings, tokens).
final class GatherOperator: GraphOperator {
    private let node: GraphNode
    private let axis: Int
    private var gather: AxisGather?
    private var inputShape: [Int] = []

    init(_ node: GraphNode) throws {
        self.node = node
        axis = try NodeAttributes(node).integer("axis", default: 0)
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let data = try ShapeArithmetic.data(inputs, node: node)
        guard inputs.count > 1, case .integer(let indexTensor)? = inputs[1] else {
            throw NodeAttributes(node).unsupported("indices that are not an integer tensor")
        }
        inputShape = data.shape
        let axis = try ShapeArithmetic.axis(self.axis, rank: data.shape.count, node: node)
        let (outer, length, inner) = ShapeArithmetic.split(data.shape, at: axis)
        let indices = try indexTensor.values.map { index in
            let resolved = index < 0 ? index + length : index
            guard resolved >= 0 && resolved < length else {
                throw EngineError(.architectureMismatch,
                                  "node \(node.displayName) (Gather): index \(index) is out of range for an axis of \(length)")
            }
            return resolved
        }
        let gather = AxisGather(outer: outer, axisLength: length, inner: inner, indices: indices)
        self.gather = gather
        let shape = Array(data.shape[..<axis]) + indexTensor.shape + Array(data.shape[(axis + 1)...])
        return [data.rearranged(shape, gather)]
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        var result: [FloatTensor?] = needed.map { _ in nil }
        guard let gradient = outputGradients.first ?? nil, let gather, needed.first == true else { return result }
        result[0] = FloatTensor(computedShape: inputShape,
                                values: gather.scatter(gradient.values, inputCount: inputShape.reduce(1, *)))
        return result
    }
}
