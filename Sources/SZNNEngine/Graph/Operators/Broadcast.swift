/// Numpy multidirectional broadcasting of several operands to one output shape, as row loops.
///
/// Shapes are right-aligned; each output axis takes the size that is not 1. Adjacent axes along
/// which every operand is either broadcast or not are merged, so the common cases collapse to a
/// few long rows: same shapes (one row), a scalar (one row, stride 0), a bias `[C]` (rows of C,
/// stride 1) or `[C, 1, 1]` (rows of H·W, stride 0). Kernels walk a row with per-operand strides
/// of 0 or 1; the row offsets come from an odometer that allocates nothing per row.
struct Broadcast {
    /// The broadcast output shape.
    let outputShape: [Int]
    /// The operands' shapes and element counts, and the output's count.
    let operandShapes: [[Int]]
    let operandCounts: [Int]
    let outputCount: Int
    /// Length of one row (the last merged axis) and, per operand, its step along the row (0 or 1).
    let rowLength: Int
    let rowSteps: [Int]
    /// The merged axes before the row: sizes and, per operand, strides.
    private let outerSizes: [Int]
    private let outerStrides: [[Int]]

    /// The plan for `shapes`, or nil when they do not broadcast together.
    init?(_ shapes: [[Int]]) {
        let rank = shapes.map(\.count).max() ?? 0
        let padded = shapes.map { Array(repeating: 1, count: rank - $0.count) + $0 }
        var output = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            for shape in padded where shape[axis] != 1 {
                guard output[axis] == 1 || output[axis] == shape[axis] else { return nil }
                output[axis] = shape[axis]
            }
        }
        outputShape = output
        outputCount = output.reduce(1, *)
        operandShapes = shapes
        operandCounts = shapes.map { $0.reduce(1, *) }
        // Merge axes whose broadcast pattern (which operands repeat along them) is the same.
        var sizes: [Int] = [], patterns: [[Bool]] = []
        for axis in 0..<rank where output[axis] != 1 {
            let pattern = padded.map { $0[axis] == 1 }
            if let last = patterns.last, last == pattern {
                sizes[sizes.count - 1] *= output[axis]
            } else {
                sizes.append(output[axis])
                patterns.append(pattern)
            }
        }
        var strides = [[Int]](repeating: [Int](repeating: 0, count: sizes.count), count: shapes.count)
        for operand in shapes.indices {
            var running = 1
            for axis in sizes.indices.reversed() where !patterns[axis][operand] {
                strides[operand][axis] = running
                running *= sizes[axis]
            }
        }
        rowLength = sizes.last ?? 1
        rowSteps = shapes.indices.map { strides[$0].last ?? 0 }
        outerSizes = Array(sizes.dropLast())
        outerStrides = strides.map { Array($0.dropLast()) }
    }

    /// The plan for `shapes`, or an error naming the node and the shapes.
    init(_ shapes: [[Int]], node: GraphNode) throws {
        guard let plan = Broadcast(shapes) else {
            throw EngineError(.architectureMismatch,
                              "node \(node.displayName) (\(node.operatorType)): shapes \(shapes.map { "\($0)" }.joined(separator: ", ")) do not broadcast")
        }
        self = plan
    }

    /// Calls `body(outputOffset, operandOffsets)` once per row, in output order.
    func forEachRow(_ body: (Int, UnsafeBufferPointer<Int>) -> Void) {
        guard outputCount > 0 else { return }
        let operands = operandCounts.count
        var counters = [Int](repeating: 0, count: outerSizes.count)
        var offsets = [Int](repeating: 0, count: operands)
        offsets.withUnsafeMutableBufferPointer { offset in
            var outputOffset = 0
            while true {
                body(outputOffset, UnsafeBufferPointer(offset))
                outputOffset += rowLength
                // Advance the odometer over the outer axes, last axis fastest.
                var axis = outerSizes.count - 1
                while axis >= 0 {
                    counters[axis] += 1
                    for operand in 0..<operands { offset[operand] += outerStrides[operand][axis] }
                    if counters[axis] < outerSizes[axis] { break }
                    for operand in 0..<operands { offset[operand] -= outerStrides[operand][axis] * counters[axis] }
                    counters[axis] = 0
                    axis -= 1
                }
                if axis < 0 { return }
            }
        }
    }

    /// The operand `operand` repeated to the output shape.
    func expand<Element>(_ values: [Element], operand: Int) -> [Element] {
        guard operandCounts[operand] != outputCount else { return values }
        let step = rowSteps[operand], length = rowLength
        return values.withUnsafeBufferPointer { source in
            [Element](unsafeUninitializedCapacity: outputCount) { destination, initialized in
                forEachRow { output, offsets in
                    let start = offsets[operand]
                    for index in 0..<length {
                        (destination.baseAddress! + output + index).initialize(to: source[start + index * step])
                    }
                }
                initialized = outputCount
            }
        }
    }

    /// Sums an output-shaped gradient back to operand `operand`'s shape (over its repeated axes).
    func reduce(_ gradient: [Float], toOperand operand: Int) -> [Float] {
        guard operandCounts[operand] != outputCount else { return gradient }
        var result = [Float](repeating: 0, count: operandCounts[operand])
        let step = rowSteps[operand], length = rowLength
        gradient.withUnsafeBufferPointer { g in
            result.withUnsafeMutableBufferPointer { r in
                forEachRow { output, offsets in
                    let start = offsets[operand]
                    for index in 0..<length { r[start + index * step] += g[output + index] }
                }
            }
        }
        return result
    }
}
