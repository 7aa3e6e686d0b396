/// The input shape of a pool and its resolved window axes, with the per-output tap ranges that
/// MaxPool and AveragePool loop over (computed once per shape, not per element).
struct PoolWindows {
    let inputShape: [Int]
    let rows: WindowAxis
    let columns: WindowAxis
    /// Per output row / column: the first input index of its window and the taps inside the input.
    let rowTaps: [(origin: Int, taps: Range<Int>)]
    let columnTaps: [(origin: Int, taps: Range<Int>)]

    /// Resolves `attributes` for `input` [N, C, H, W] or [N, C, L]; the kernel must be given.
    init(_ attributes: WindowAttributes, input: FloatTensor) throws {
        let spatial = Array(input.shape.dropFirst(2))
        guard let kernel = attributes.kernelShape, input.shape.count == 3 || input.shape.count == 4 else {
            throw NodeAttributes(attributes.node).unsupported("pooling input \(input.shape) without kernel_shape or beyond 2-D")
        }
        let (rows, columns) = try attributes.axes(spatial: spatial, kernel: kernel)
        self.rows = rows
        self.columns = columns
        inputShape = input.shape
        rowTaps = (0..<rows.outputSize).map { ($0 * rows.stride - rows.padBegin, rows.validTaps(output: $0)) }
        columnTaps = (0..<columns.outputSize).map { ($0 * columns.stride - columns.padBegin, columns.validTaps(output: $0)) }
    }

    /// Input planes (N·C) of the batch.
    var planes: Int { inputShape[0] * inputShape[1] }
    var inputPixels: Int { rows.inputSize * columns.inputSize }
    var outputPixels: Int { rows.outputSize * columns.outputSize }

    /// The output shape: the input's with each spatial size replaced by the pooled one.
    var outputShape: [Int] {
        inputShape.count == 4 ? [inputShape[0], inputShape[1], rows.outputSize, columns.outputSize]
            : [inputShape[0], inputShape[1], columns.outputSize]
    }
}
