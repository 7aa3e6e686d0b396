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
        ImageChunks.forEach(batch: batch, work: matrix.count) { images in
            forEachRun(batch: batch, images: images, channelRange: channelRange) { plane, row, validRows, validColumns, tapRow, tapColumn in
                let inputPlane = from.pointer + plane
                let output = to.pointer + row
                let outWidth = columns.outputSize
                for outRow in 0..<rows.outputSize {
                    let line = output + outRow * outWidth
                    guard validRows.contains(outRow) else {
                        line.update(repeating: 0, count: outWidth)
                        continue
                    }
                    let inRow = outRow * rows.stride + tapRow * rows.dilation - rows.padBegin
                    let inputLine = inputPlane + inRow * columns.inputSize + tapColumn * columns.dilation - columns.padBegin
                    line.update(repeating: 0, count: validColumns.lowerBound)
                    if columns.stride == 1 {
                        (line + validColumns.lowerBound).update(from: inputLine + validColumns.lowerBound, count: validColumns.count)
                    } else {
                        for outColumn in validColumns { line[outColumn] = inputLine[outColumn * columns.stride] }
                    }
                    (line + validColumns.upperBound).update(repeating: 0, count: outWidth - validColumns.upperBound)
                }
            }
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
