/// The sizes of a 2-D convolution or pooling window over one input plane, and the
/// im2col / col2im transforms that turn a batched convolution into one GEMM.
///
/// Column matrix layout: `patchSize` rows (c, kh, kw), `batch · outputPixels` columns
/// (n, oh, ow), row-major. Padding positions read as zero.
struct ConvolutionGeometry: Sendable, Equatable {
    let channels: Int
    let height: Int
    let width: Int
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: Int
    let padding: Int

    var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    var outputPixels: Int { outputHeight * outputWidth }
    var inputPixels: Int { height * width }
    var patchSize: Int { channels * kernelHeight * kernelWidth }

    /// Whether the window fits the (padded) input at least once.
    var isValid: Bool {
        channels > 0 && height > 0 && width > 0 && kernelHeight > 0 && kernelWidth > 0 && stride > 0
            && padding >= 0 && height + 2 * padding >= kernelHeight && width + 2 * padding >= kernelWidth
    }

    /// For stride 1: the output columns [lower, upper) whose input column
    /// `outColumn + kernelColumn − padding` lies inside the image.
    private func validOutputColumns(kernelColumn: Int) -> (Int, Int) {
        let lower = min(outputWidth, max(0, padding - kernelColumn))
        let upper = max(lower, min(outputWidth, width + padding - kernelColumn))
        return (lower, upper)
    }

    /// Unfolds `batch` images `[N, C, H, W]` into the column matrix.
    func im2col(_ inputBuffer: UnsafeBufferPointer<Float>, batch: Int, into columnBuffer: UnsafeMutableBufferPointer<Float>) {
        guard let input = inputBuffer.baseAddress, let columns = columnBuffer.baseAddress else { return }
        assert(inputBuffer.count == batch * channels * inputPixels && columnBuffer.count == patchSize * batch * outputPixels)
        let source = DisjointAccess(input), destination = DisjointAccess(columns)
        ImageChunks.forEach(batch: batch, work: patchSize * batch * outputPixels) { images in
            im2col(source.pointer, batch: batch, images: images, into: destination.pointer)
        }
    }

    /// im2col for the images in `images` only: they own disjoint column segments.
    private func im2col(_ input: UnsafePointer<Float>, batch: Int, images: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let rowLength = batch * outputPixels
        let outHeight = outputHeight, outWidth = outputWidth
        for channel in 0..<channels {
            for kernelRow in 0..<kernelHeight {
                for kernelColumn in 0..<kernelWidth {
                    let row = (channel * kernelHeight + kernelRow) * kernelWidth + kernelColumn
                    let (lower, upper) = validOutputColumns(kernelColumn: kernelColumn)
                    let rowBase = columns + row * rowLength
                    for image in images {
                        let plane = input + (image * channels + channel) * inputPixels
                        let imageBase = rowBase + image * outputPixels
                        for outRow in 0..<outHeight {
                            let destination = imageBase + outRow * outWidth
                            let inRow = outRow * stride - padding + kernelRow
                            guard inRow >= 0 && inRow < height else {
                                destination.update(repeating: 0, count: outWidth)
                                continue
                            }
                            let source = plane + inRow * width + kernelColumn - padding
                            if stride == 1 {
                                // Contiguous run: zero the padded edges, copy the middle. Rows are
                                // short (LeNet's are 24 and 8 values), so plain loops beat the calls
                                // of memset and memmove.
                                for column in 0..<lower { destination[column] = 0 }
                                for column in lower..<upper { destination[column] = source[column] }
                                for column in upper..<outWidth { destination[column] = 0 }
                            } else {
                                for outColumn in 0..<outWidth {
                                    let inColumn = outColumn * stride + kernelColumn - padding
                                    destination[outColumn] = (inColumn >= 0 && inColumn < width) ? source[outColumn * stride] : 0
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Folds a column-matrix gradient back onto images, summing overlaps. `input` must be zeroed.
    func col2im(_ columnBuffer: UnsafeBufferPointer<Float>, batch: Int, into inputBuffer: UnsafeMutableBufferPointer<Float>) {
        guard let columns = columnBuffer.baseAddress, let input = inputBuffer.baseAddress else { return }
        assert(inputBuffer.count == batch * channels * inputPixels && columnBuffer.count == patchSize * batch * outputPixels)
        let source = DisjointAccess(columns), destination = DisjointAccess(input)
        ImageChunks.forEach(batch: batch, work: patchSize * batch * outputPixels) { images in
            col2im(source.pointer, batch: batch, images: images, into: destination.pointer)
        }
    }

    /// col2im for the images in `images` only: they own disjoint input planes.
    private func col2im(_ columns: UnsafePointer<Float>, batch: Int, images: Range<Int>, into input: UnsafeMutablePointer<Float>) {
        let rowLength = batch * outputPixels
        let outHeight = outputHeight, outWidth = outputWidth
        for channel in 0..<channels {
            for kernelRow in 0..<kernelHeight {
                for kernelColumn in 0..<kernelWidth {
                    let row = (channel * kernelHeight + kernelRow) * kernelWidth + kernelColumn
                    let (lower, upper) = validOutputColumns(kernelColumn: kernelColumn)
                    let rowBase = columns + row * rowLength
                    for image in images {
                        let plane = input + (image * channels + channel) * inputPixels
                        let imageBase = rowBase + image * outputPixels
                        for outRow in 0..<outHeight {
                            let inRow = outRow * stride - padding + kernelRow
                            guard inRow >= 0 && inRow < height else { continue }
                            let source = imageBase + outRow * outWidth
                            let destination = plane + inRow * width + kernelColumn - padding
                            if stride == 1 {
                                for outColumn in lower..<upper { destination[outColumn] += source[outColumn] }
                            } else {
                                for outColumn in 0..<outWidth {
                                    let inColumn = outColumn * stride + kernelColumn - padding
                                    if inColumn >= 0 && inColumn < width { destination[outColumn * stride] += source[outColumn] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
