/// Joining and cutting along one axis, for any element type: each part holds `sizes[i]`
/// slices of `inner` elements per outer block.
enum AxisBlocks {
    /// The parts laid side by side along the axis.
    static func join<Element>(_ parts: [[Element]], sizes: [Int], outer: Int, inner: Int) -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(sizes.reduce(0, +) * outer * inner)
        for block in 0..<outer {
            for (part, size) in zip(parts, sizes) {
                result.append(contentsOf: part[(block * size * inner)..<((block + 1) * size * inner)])
            }
        }
        return result
    }

    /// The whole cut into parts of `sizes` along the axis.
    static func cut<Element>(_ whole: [Element], sizes: [Int], outer: Int, inner: Int) -> [[Element]] {
        let total = sizes.reduce(0, +)
        var parts = sizes.map { size -> [Element] in
            var part: [Element] = []
            part.reserveCapacity(outer * size * inner)
            return part
        }
        for block in 0..<outer {
            var offset = block * total * inner
            for (index, size) in sizes.enumerated() {
                parts[index].append(contentsOf: whole[offset..<(offset + size * inner)])
                offset += size * inner
            }
        }
        return parts
    }
}

/// ONNX Concat along `axis` (negative counts from the end); the gradient is cut back into parts.
final class ConcatOperator: GraphOperator {
    private let node: GraphNode
    private let axis: Int
    private var shapes: [[Int]] = []
    private var resolvedAxis = 0

    init(_ node: GraphNode) throws {
        self.node = node
        axis = try NodeAttributes(node).integer("axis", default: 0)
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let values = inputs.compactMap { $0 }
        guard let first = values.first else { throw NodeAttributes(node).unsupported("no inputs") }
        resolvedAxis = try ShapeArithmetic.axis(axis, rank: first.shape.count, node: node)
        shapes = values.map(\.shape)
        for shape in shapes where shape.count != first.shape.count
            || shape.indices.contains(where: { $0 != resolvedAxis && shape[$0] != first.shape[$0] }) {
            throw EngineError(.architectureMismatch,
                              "node \(node.displayName) (Concat): shapes \(shapes) differ off axis \(axis)")
        }
        let sizes = shapes.map { $0[resolvedAxis] }
        let (outer, _, inner) = ShapeArithmetic.split(first.shape, at: resolvedAxis)
        var shape = first.shape
        shape[resolvedAxis] = sizes.reduce(0, +)
        let floats = values.compactMap { if case .float(let t) = $0 { t.values } else { nil } }
        let integers = values.compactMap { if case .integer(let t) = $0 { t.values } else { nil } }
        if floats.count == values.count {
            return [.float(FloatTensor(computedShape: shape, values: AxisBlocks.join(floats, sizes: sizes, outer: outer, inner: inner)))]
        }
        guard integers.count == values.count else { throw NodeAttributes(node).unsupported("mixing float and integer inputs") }
        return [.integer(IntegerTensor(shape: shape, values: AxisBlocks.join(integers, sizes: sizes, outer: outer, inner: inner)))]
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let gradient = outputGradients.first ?? nil, let first = shapes.first else { return needed.map { _ in nil } }
        let (outer, _, inner) = ShapeArithmetic.split(first, at: resolvedAxis)
        let parts = AxisBlocks.cut(gradient.values, sizes: shapes.map { $0[resolvedAxis] }, outer: outer, inner: inner)
        return zip(shapes, parts).map { FloatTensor(computedShape: $0, values: $1) }
    }
}

/// ONNX Split along `axis` by the `split` input (opset ≥ 13), or into `num_outputs` parts
/// (opset 18; the last one smaller), or evenly into the node's outputs; the gradient joins the
/// parts back (zeros for parts nothing used).
final class SplitOperator: GraphOperator {
    private let node: GraphNode
    private let axis: Int
    private let partCount: Int
    private var shapes: [[Int]] = []
    private var inputShape: [Int] = []
    private var resolvedAxis = 0

    init(_ node: GraphNode) throws {
        self.node = node
        let attributes = NodeAttributes(node)
        axis = try attributes.integer("axis", default: 0)
        partCount = try attributes.integer("num_outputs", default: node.outputs.count)
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let data = try ShapeArithmetic.data(inputs, node: node)
        inputShape = data.shape
        resolvedAxis = try ShapeArithmetic.axis(axis, rank: data.shape.count, node: node)
        let length = data.shape[resolvedAxis]
        let sizes: [Int]
        if let given = ShapeArithmetic.integers(inputs, 1) {
            sizes = given
        } else {
            guard partCount > 0 else { throw NodeAttributes(node).unsupported("splitting into \(partCount) parts") }
            let chunk = (length + partCount - 1) / partCount
            sizes = (0..<partCount).map { max(0, min(chunk, length - $0 * chunk)) }
        }
        guard sizes.reduce(0, +) == length, sizes.allSatisfy({ $0 >= 0 }) else {
            throw NodeAttributes(node).unsupported("split sizes \(sizes) for an axis of \(length)")
        }
        let (outer, _, inner) = ShapeArithmetic.split(data.shape, at: resolvedAxis)
        shapes = sizes.map { size in
            var shape = data.shape
            shape[resolvedAxis] = size
            return shape
        }
        switch data {
        case .float(let tensor):
            let parts = AxisBlocks.cut(tensor.values, sizes: sizes, outer: outer, inner: inner)
            return zip(shapes, parts).map { .float(FloatTensor(computedShape: $0, values: $1)) }
        case .integer(let tensor):
            let parts = AxisBlocks.cut(tensor.values, sizes: sizes, outer: outer, inner: inner)
            return zip(shapes, parts).map { .integer(IntegerTensor(shape: $0, values: $1)) }
        }
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        var result: [FloatTensor?] = needed.map { _ in nil }
        guard needed.first == true, outputGradients.contains(where: { $0 != nil }) else { return result }
        let (outer, _, inner) = ShapeArithmetic.split(inputShape, at: resolvedAxis)
        let parts = shapes.indices.map { index in
            (index < outputGradients.count ? outputGradients[index]?.values : nil)
                ?? [Float](repeating: 0, count: shapes[index].reduce(1, *))
        }
        result[0] = FloatTensor(computedShape: inputShape,
                                values: AxisBlocks.join(parts, sizes: shapes.map { $0[resolvedAxis] }, outer: outer, inner: inner))
        return result
    }
}
