/// A 2-D convolution (cross-correlation, as in PyTorch) with stride and zero padding.
///
/// Weight layout O×I×kH×kW. The whole batch is unfolded by im2col into one column matrix
/// so that forward and each backward product are a single GEMM per batch.
public final class Conv2D: Layer {
    public let name: String
    public let outputChannels: Int
    public let weight: Parameter
    public let bias: Parameter
    let geometry: ConvolutionGeometry
    /// im2col of the last forward input; reused for its gradient in backward (same size).
    private var columns: [Float] = []
    /// Scratch for the O × (N·P) GEMM result / output gradient.
    private var matrix: [Float] = []
    private var cachedBatch = 0
    /// False for a network's first layer, whose input gradient nobody needs: `backward` then
    /// skips the col2im work and returns an empty tensor.
    var computesInputGradient = true

    /// Creates the layer for per-sample inputs `[channels, height, width]`.
    init(name: String, geometry: ConvolutionGeometry, outputChannels: Int,
         initialization: WeightInitialization, generator: inout RandomGenerator) {
        self.name = name
        self.geometry = geometry
        self.outputChannels = outputChannels
        let kernelArea = geometry.kernelHeight * geometry.kernelWidth
        weight = Parameter(
            name: "\(name).weight",
            shape: [outputChannels, geometry.channels, geometry.kernelHeight, geometry.kernelWidth],
            values: initialization.values(count: outputChannels * geometry.patchSize, fanIn: geometry.patchSize,
                                          fanOut: outputChannels * kernelArea, generator: &generator),
            isTrainable: true)
        bias = Parameter(name: "\(name).bias", shape: [outputChannels],
                         values: [Float](repeating: 0, count: outputChannels), isTrainable: true)
    }

    public var outputShape: [Int] { [outputChannels, geometry.outputHeight, geometry.outputWidth] }
    public var parameters: [Parameter] { [weight, bias] }

    public func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor {
        if mode == .prediction { return predict(input) }
        let batch = input.batchSize
        let pixels = geometry.outputPixels
        let rowLength = batch * pixels
        let patchSize = geometry.patchSize
        cachedBatch = batch
        resize(&columns, to: patchSize * rowLength)
        resize(&matrix, to: outputChannels * rowLength)
        var output = [Float](repeating: 0, count: batch * outputChannels * pixels)
        input.values.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { cols in
                geometry.im2col(x, batch: batch, into: cols)
            }
        }
        columns.withUnsafeBufferPointer { cols in
            weight.values.withUnsafeBufferPointer { w in
                matrix.withUnsafeMutableBufferPointer { product in
                    BLAS.gemm(transposeA: false, transposeB: false, m: outputChannels, n: rowLength, k: patchSize,
                              a: w, lda: patchSize, b: cols, ldb: rowLength,
                              beta: 0, c: product, ldc: rowLength)
                }
            }
        }
        // The GEMM yields [O, N, P]; the output layout is [N, O, P]: move P-long runs.
        // Each image's output is disjoint, so the move runs on all threads.
        let channels = outputChannels
        matrix.withUnsafeBufferPointer { product in
            bias.values.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { out in
                    let (product, b, out) = (DisjointAccess(product), DisjointAccess(b), DisjointAccess(out))
                    ImageChunks.forEach(batch: batch, work: channels * rowLength) { images in
                        let (product, b, out) = (product.pointer, b.pointer, out.pointer)
                        for channel in 0..<channels {
                            let channelBias = b[channel]
                            for image in images {
                                let source = channel * rowLength + image * pixels
                                let destination = (image * channels + channel) * pixels
                                for pixel in 0..<pixels { out[destination + pixel] = product[source + pixel] + channelBias }
                            }
                        }
                    }
                }
            }
        }
        return FloatTensor(computedShape: [batch] + outputShape, values: output)
    }

    /// The forward pass one image at a time, keeping nothing for a backward.
    ///
    /// Each image's column matrix (patch size × output pixels) stays in cache and its GEMM
    /// writes the image's [O, P] output in place, where the batched forward unfolds the whole
    /// batch (megabytes for LeNet-5's first layer) and then reorders the [O, N, P] product.
    private func predict(_ input: FloatTensor) -> FloatTensor {
        let batch = input.batchSize
        let pixels = geometry.outputPixels, patchSize = geometry.patchSize, channels = outputChannels
        let imageInput = geometry.channels * geometry.inputPixels
        var output = [Float](repeating: 0, count: batch * channels * pixels)
        let geometry = self.geometry
        input.values.withUnsafeBufferPointer { x in
            weight.values.withUnsafeBufferPointer { w in
                bias.values.withUnsafeBufferPointer { b in
                    output.withUnsafeMutableBufferPointer { out in
                        let (x, w, b, out) = (DisjointAccess(x), DisjointAccess(w), DisjointAccess(b), DisjointAccess(out))
                        ImageChunks.forEach(batch: batch, work: channels * batch * pixels * patchSize) { images in
                            var columns = [Float](repeating: 0, count: patchSize * pixels)
                            columns.withUnsafeMutableBufferPointer { cols in
                                for image in images {
                                    let imageOut = UnsafeMutableBufferPointer(rebasing: out.pointer[(image * channels * pixels)..<((image + 1) * channels * pixels)])
                                    geometry.im2col(UnsafeBufferPointer(rebasing: x.pointer[(image * imageInput)..<((image + 1) * imageInput)]), batch: 1, into: cols)
                                    for channel in 0..<channels {
                                        imageOut[(channel * pixels)..<((channel + 1) * pixels)].update(repeating: b.pointer[channel])
                                    }
                                    BLAS.gemm(transposeA: false, transposeB: false, m: channels, n: pixels, k: patchSize,
                                              a: w.pointer, lda: patchSize, b: UnsafeBufferPointer(cols), ldb: pixels,
                                              beta: 1, c: imageOut, ldc: pixels)
                                }
                            }
                        }
                    }
                }
            }
        }
        return FloatTensor(computedShape: [batch] + outputShape, values: output)
    }

    public func backward(_ outputGradient: FloatTensor) -> FloatTensor {
        let batch = cachedBatch
        let pixels = geometry.outputPixels
        let rowLength = batch * pixels
        let patchSize = geometry.patchSize
        // Gather dY [N, O, P] into the [O, N·P] matrix and sum it per channel for the bias.
        outputGradient.values.withUnsafeBufferPointer { dy in
            matrix.withUnsafeMutableBufferPointer { gathered in
                bias.gradient.withUnsafeMutableBufferPointer { db in
                    for channel in 0..<outputChannels {
                        var sum: Float = 0
                        for image in 0..<batch {
                            let source = (image * outputChannels + channel) * pixels
                            let destination = channel * rowLength + image * pixels
                            for pixel in 0..<pixels {
                                gathered[destination + pixel] = dy[source + pixel]
                                sum += dy[source + pixel]
                            }
                        }
                        db[channel] = sum
                    }
                }
            }
        }
        matrix.withUnsafeBufferPointer { gathered in
            columns.withUnsafeMutableBufferPointer { cols in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(transposeA: false, transposeB: true, m: outputChannels, n: patchSize, k: rowLength,
                              a: gathered, lda: rowLength, b: UnsafeBufferPointer(cols), ldb: rowLength,
                              beta: 0, c: dw, ldc: patchSize)
                }
                guard computesInputGradient else { return }
                // The forward columns are no longer needed: overwrite them with their gradient.
                weight.values.withUnsafeBufferPointer { w in
                    BLAS.gemm(transposeA: true, transposeB: false, m: patchSize, n: rowLength, k: outputChannels,
                              a: w, lda: patchSize, b: gathered, ldb: rowLength,
                              beta: 0, c: cols, ldc: rowLength)
                }
            }
        }
        guard computesInputGradient else { return FloatTensor(computedShape: [0], values: []) }
        var inputGradient = [Float](repeating: 0, count: batch * geometry.channels * geometry.inputPixels)
        columns.withUnsafeBufferPointer { cols in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                geometry.col2im(cols, batch: batch, into: dx)
            }
        }
        return FloatTensor(computedShape: [batch, geometry.channels, geometry.height, geometry.width],
                           values: inputGradient)
    }

    /// Grows or shrinks a scratch buffer without reallocating when the size is unchanged.
    private func resize(_ buffer: inout [Float], to count: Int) {
        if buffer.count != count { buffer = [Float](repeating: 0, count: count) }
    }
}
