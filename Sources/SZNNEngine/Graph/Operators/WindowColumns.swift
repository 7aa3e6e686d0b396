/// im2col / col2im over a range of channels for any stride, dilation and asymmetric padding:
/// the transforms that turn one group of a convolution into one GEMM over the whole batch.
///
/// Column matrix layout: rows (channel, kernelRow, kernelColumn) of the channel range,
/// columns (image, outRow, outColumn), row-major. Padding positions read as zero.
struct WindowColumns: Sendable {
    let rows: WindowAxis
    let columns: WindowAxis
    /// Channels of one input image (all groups).
    let channels: Int

    var inputPixels: Int { rows.inputSize * columns.inputSize }
    var outputPixels: Int { rows.outputSize * columns.outputSize }
    var kernelArea: Int { rows.kernelSize * columns.kernelSize }

    /// Unfolds channels `channelRange` of `batch` images `[N, C, H, W]` into `matrix`
    /// (`channelRange.count · kernelArea` rows of `batch · outputPixels`).
    func im2col(_ input: UnsafeBufferPointer<Float>, batch: Int, channelRange: Range<Int>,
                into matrix: UnsafeMutableBufferPointer<Float>) {
        guard let source = input.baseAddress, let destination = matrix.baseAddress else { return }
        assert(matrix.count == channelRange.count * kernelArea * batch * outputPixels)
        let from = DisjointAccess(source), to = DisjointAccess(destination)
        // With unit strides and rows as long in the output as in the input, a tap's output plane
        // is its input plane read at one constant offset: one copy for the plane, then the
        // padded edges zeroed (3×3 same-padding convolutions: the zoo's commonest).
        let planeCopy = rows.stride == 1 && columns.stride == 1 && columns.inputSize == columns.outputSize
        ImageChunks.forEach(batch: batch, work: matrix.count) { images in
            forEachRun(batch: batch, images: images, channelRange: channelRange) { plane, row, validRows, validColumns, tapRow, tapColumn in
                let inputPlane = from.pointer + plane
                let output = to.pointer + row
                if planeCopy {
                    copyPlane(inputPlane, into: output, validRows: validRows, validColumns: validColumns, tapRow: tapRow, tapColumn: tapColumn)
                } else {
                    copyRows(inputPlane, into: output, validRows: validRows, validColumns: validColumns, tapRow: tapRow, tapColumn: tapColumn)
                }
            }
        }
    }

    /// One tap's output plane when rows have the same length in input and output and both
    /// strides are 1: output (r, c) reads input flat index r·width + c + offset for a fixed offset.
    @inline(__always)
    private func copyPlane(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
                           validRows: Range<Int>, validColumns: Range<Int>, tapRow: Int, tapColumn: Int) {
        let width = columns.outputSize, height = rows.outputSize
        let (lower, upper) = (validColumns.lowerBound, validColumns.upperBound)
        guard !validRows.isEmpty && !validColumns.isEmpty else {
            for index in 0..<(height &* width) { output[index] = 0 }
            return
        }
        for index in 0..<(validRows.lowerBound &* width) { output[index] = 0 }
        for index in (validRows.upperBound &* width)..<(height &* width) { output[index] = 0 }
        // From the first valid value to the last: inside the input plane at both ends, and
        // contiguous there; between rows it runs over the other side's edge, zeroed below.
        let rowShift: Int = tapRow &* rows.dilation &- rows.padBegin
        let columnShift: Int = tapColumn &* columns.dilation &- columns.padBegin
        let offset = rowShift &* width &+ columnShift
        let first = validRows.lowerBound &* width &+ lower, last = (validRows.upperBound &- 1) &* width &+ upper
        (output + first).update(from: input + first + offset, count: last &- first)
        for outRow in validRows {
            let line = output + outRow &* width
            for column in 0..<lower { line[column] = 0 }
            for column in upper..<width { line[column] = 0 }
        }
    }

    /// One tap's output plane row by row, for any strides. Rows are short (28 values or fewer in
    /// the zoo's models) and come by the thousand per image: plain loops beat a memset and a
    /// memmove call per row.
    @inline(__always)
    private func copyRows(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
                          validRows: Range<Int>, validColumns: Range<Int>, tapRow: Int, tapColumn: Int) {
        let width = columns.outputSize, stride = columns.stride
        let (lower, upper) = (validColumns.lowerBound, validColumns.upperBound)
        for outRow in 0..<rows.outputSize {
            let line = output + outRow &* width
            guard validRows.contains(outRow) else {
                for column in 0..<width { line[column] = 0 }
                continue
            }
            let inRow = outRow &* rows.stride &+ tapRow &* rows.dilation &- rows.padBegin
            let columnShift: Int = tapColumn &* columns.dilation &- columns.padBegin
            let inputLine = input + (inRow &* columns.inputSize &+ columnShift)
            for column in 0..<lower { line[column] = 0 }
            if stride == 1 {
                for column in lower..<upper { line[column] = inputLine[column] }
            } else {
                for column in lower..<upper { line[column] = inputLine[column &* stride] }
            }
            for column in upper..<width { line[column] = 0 }
        }
    }

    /// Folds a column-matrix gradient back onto channels `channelRange` of `gradient`
    /// `[N, C, H, W]`, summing overlaps; those channels must be zeroed by the caller.
    func col2im(_ matrix: UnsafeBufferPointer<Float>, batch: Int, channelRange: Range<Int>,
                into gradient: UnsafeMutableBufferPointer<Float>) {
        guard let source = matrix.baseAddress, let destination = gradient.baseAddress else { return }
        assert(matrix.count == channelRange.count * kernelArea * batch * outputPixels)
        let from = DisjointAccess(source), to = DisjointAccess(destination)
        ImageChunks.forEach(batch: batch, work: matrix.count) { images in
            forEachRun(batch: batch, images: images, channelRange: channelRange) { plane, row, validRows, validColumns, tapRow, tapColumn in
                let gradientPlane = to.pointer + plane
                let input = from.pointer + row
                for outRow in validRows {
                    let inRow = outRow * rows.stride + tapRow * rows.dilation - rows.padBegin
                    let line = input + outRow * columns.outputSize
                    let gradientLine = gradientPlane + inRow * columns.inputSize + tapColumn * columns.dilation - columns.padBegin
                    for outColumn in validColumns { gradientLine[outColumn * columns.stride] += line[outColumn] }
                }
            }
        }
    }

    /// Calls `body` once per (image, channel, kernel tap) with the input plane's offset, the
    /// column-matrix offset of that tap's run, and the output rows and columns that read the input.
    @inline(__always)
    private func forEachRun(batch: Int, images: Range<Int>, channelRange: Range<Int>,
                            _ body: (Int, Int, Range<Int>, Range<Int>, Int, Int) -> Void) {
        let rowLength = batch * outputPixels
        for (localChannel, channel) in channelRange.enumerated() {
            for tapRow in 0..<rows.kernelSize {
                let validRows = rows.validOutputs(kernelIndex: tapRow)
                for tapColumn in 0..<columns.kernelSize {
                    let validColumns = columns.validOutputs(kernelIndex: tapColumn)
                    let matrixRow = (localChannel * rows.kernelSize + tapRow) * columns.kernelSize + tapColumn
                    for image in images {
                        body((image * channels + channel) * inputPixels, matrixRow * rowLength + image * outputPixels,
                             validRows, validColumns, tapRow, tapColumn)
                    }
                }
            }
        }
    }
}
