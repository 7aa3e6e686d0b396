/// A strided view of a row-major tensor: output element (i₀, i₁, …) reads input element
/// start + Σ iₖ · strideₖ. Transpose (permuted strides) and Slice (start, stepped strides) are
/// both such views; the gradient scatters back along the same mapping.
struct StridedView: Rearrangement {
    let outputShape: [Int]
    let start: Int
    /// Input strides per output axis, in elements (negative for reversed slices).
    let strides: [Int]

    /// Output element count.
    var count: Int { outputShape.reduce(1, *) }

    /// Calls `body(outputOffset, inputOffset, inputStep, length)` for each output row (the last axis).
    private func forEachRow(_ body: (Int, Int, Int, Int) -> Void) {
        guard count > 0 else { return }
        guard let length = outputShape.last, let step = strides.last else {
            body(0, start, 0, 1)
            return
        }
        let outerRank = outputShape.count - 1
        var counters = [Int](repeating: 0, count: outerRank)
        var inputOffset = start, outputOffset = 0
        while true {
            body(outputOffset, inputOffset, step, length)
            outputOffset += length
            var axis = outerRank - 1
            while axis >= 0 {
                counters[axis] += 1
                inputOffset += strides[axis]
                if counters[axis] < outputShape[axis] { break }
                inputOffset -= strides[axis] * counters[axis]
                counters[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    func apply<Element>(_ values: [Element]) -> [Element] {
        values.withUnsafeBufferPointer { source in
            [Element](unsafeUninitializedCapacity: count) { destination, initialized in
                forEachRow { output, input, step, length in
                    for index in 0..<length {
                        (destination.baseAddress! + output + index).initialize(to: source[input + index * step])
                    }
                }
                initialized = count
            }
        }
    }

    /// The gradient of `apply`: output-shaped values added back into an input of `inputCount` elements.
    func scatter(_ gradient: [Float], inputCount: Int) -> [Float] {
        var result = [Float](repeating: 0, count: inputCount)
        gradient.withUnsafeBufferPointer { g in
            result.withUnsafeMutableBufferPointer { r in
                forEachRow { output, input, step, length in
                    for index in 0..<length { r[input + index * step] += g[output + index] }
                }
            }
        }
        return result
    }
}

/// ONNX Transpose (`perm`, default reversed axes) and Slice (starts, ends, axes, steps inputs,
/// negative and clamped as ONNX specifies): a strided view of the data; gradients scatter back.
final class StridedViewOperator: GraphOperator {
    enum Kind { case transpose([Int]?), slice }

    private let node: GraphNode
    private let kind: Kind
    private var view: StridedView?
    private var inputShape: [Int] = []

    init(_ node: GraphNode, _ kind: Kind) {
        self.node = node
        self.kind = kind
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let data = try ShapeArithmetic.data(inputs, node: node)
        inputShape = data.shape
        let view: StridedView
        switch kind {
        case .transpose(let permutation): view = try transposition(permutation)
        case .slice: view = try slice(inputs)
        }
        self.view = view
        return [data.rearranged(view.outputShape, view)]
    }

    private func transposition(_ permutation: [Int]?) throws -> StridedView {
        let rank = inputShape.count
        let order = permutation ?? Array((0..<rank).reversed())
        guard order.count == rank, Set(order) == Set(0..<rank) else {
            throw NodeAttributes(node).unsupported("perm \(order) for rank \(rank)")
        }
        let strides = ShapeArithmetic.strides(inputShape)
        return StridedView(outputShape: order.map { inputShape[$0] }, start: 0, strides: order.map { strides[$0] })
    }

    private func slice(_ inputs: [GraphValue?]) throws -> StridedView {
        let rank = inputShape.count
        guard let starts = ShapeArithmetic.integers(inputs, 1), let ends = ShapeArithmetic.integers(inputs, 2) else {
            throw NodeAttributes(node).unsupported("absent starts or ends (attributes are opset < 10)")
        }
        let axes = try ShapeArithmetic.axes(ShapeArithmetic.integers(inputs, 3) ?? Array(0..<starts.count), rank: rank, node: node)
        let steps = ShapeArithmetic.integers(inputs, 4) ?? [Int](repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw NodeAttributes(node).unsupported("starts, ends, axes and steps of different lengths")
        }
        var shape = inputShape, firsts = [Int](repeating: 0, count: rank), stepPerAxis = [Int](repeating: 1, count: rank)
        for (index, axis) in axes.enumerated() {
            let size = inputShape[axis], step = steps[index]
            guard step != 0 else { throw NodeAttributes(node).unsupported("a step of 0") }
            var first = starts[index] < 0 ? starts[index] + size : starts[index]
            var last = ends[index] < 0 ? ends[index] + size : ends[index]
            if step > 0 {
                first = min(max(first, 0), size)
                last = min(max(last, 0), size)
                shape[axis] = max(0, (last - first + step - 1) / step)
            } else {
                first = min(max(first, 0), size - 1)
                last = min(max(last, -1), size - 1)
                shape[axis] = max(0, (first - last - step - 1) / -step)
            }
            firsts[axis] = first
            stepPerAxis[axis] = step
        }
        let strides = ShapeArithmetic.strides(inputShape)
        let start = shape.contains(0) ? 0 : zip(firsts, strides).map(*).reduce(0, +)
        return StridedView(outputShape: shape, start: start, strides: zip(stepPerAxis, strides).map(*))
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        var result: [FloatTensor?] = needed.map { _ in nil }
        guard let gradient = outputGradients.first ?? nil, let view, needed.first == true else { return result }
        result[0] = FloatTensor(computedShape: inputShape,
                                values: view.scatter(gradient.values, inputCount: inputShape.reduce(1, *)))
        return result
    }
}
