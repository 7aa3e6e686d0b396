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
        let planeWide = hasPlaneOffsets
        ImageChunks.forEach(batch: batch, work: matrix.count) { images in
            forEachRun(batch: batch, images: images, channelRange: channelRange) { plane, row, validRows, validColumns, tapRow, tapColumn in
                let run = TapRun(validRows: validRows, validColumns: validColumns, tapRow: tapRow, tapColumn: tapColumn)
                if planeWide {
                    copyPlane(from.pointer + plane, into: to.pointer + row, run)
                } else {
                    copyRows(from.pointer + plane, into: to.pointer + row, run)
                }
            }
        }
    }

    /// With unit strides and rows as long in the output as in the input, a tap's output plane is
    /// its input plane at one constant offset: im2col and col2im then move a whole plane at once
    /// and fix up the padded edges (3×3 same-padding convolutions: the zoo's commonest).
    private var hasPlaneOffsets: Bool {
        rows.stride == 1 && columns.stride == 1 && columns.inputSize == columns.outputSize
    }

    /// Folds a column-matrix gradient back onto channels `channelRange` of `gradient`
    /// `[N, C, H, W]`, summing overlaps; those channels must be zeroed by the caller.
    ///
    /// `matrix` is scratch: its entries for padding positions (which no input receives) may be
    /// zeroed on the way. Each input value receives its contributions tap after tap, as before
    /// the plane-wide fold; the zeros it may also receive leave it unchanged (it starts at +0,
    /// so it is never −0).
    func col2im(_ matrix: UnsafeMutableBufferPointer<Float>, batch: Int, channelRange: Range<Int>,
                into gradient: UnsafeMutableBufferPointer<Float>) {
        guard let source = matrix.baseAddress, let destination = gradient.baseAddress else { return }
        assert(matrix.count == channelRange.count * kernelArea * batch * outputPixels)
        let from = DisjointAccess(source), to = DisjointAccess(destination)
        let planeWide = hasPlaneOffsets
        ImageChunks.forEach(batch: batch, work: matrix.count) { images in
            forEachRun(batch: batch, images: images, channelRange: channelRange) { plane, row, validRows, validColumns, tapRow, tapColumn in
                let run = TapRun(validRows: validRows, validColumns: validColumns, tapRow: tapRow, tapColumn: tapColumn)
                if planeWide {
                    addPlane(from.pointer + row, onto: to.pointer + plane, run)
                } else {
                    addRows(from.pointer + row, onto: to.pointer + plane, run)
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
