/// ONNX Conv over [N, C, H, W] (or [N, C, L]): weights [O, C/group, kH, kW], optional bias [O],
/// with group, strides, asymmetric pads, dilations and auto_pad.
///
/// Each group's channels of the whole batch are unfolded by im2col, so the forward and weight
/// gradient products are one GEMM per group (a depthwise convolution's are thin but never per
/// pixel); the input gradient is one GEMM per image and group, whose columns stay in cache for col2im.
final class ConvOperator: GraphOperator {
    private let node: GraphNode
    private let window: WindowAttributes
    private let group: Int
    private var geometry: WindowColumns?
    private var inputShape: [Int] = []
    private var weight = FloatTensor(zeros: [0])
    private var hasBias = false
    /// im2col of the last input, group after group, for the weight gradient.
    private var columns: [Float] = []
    /// Scratch for the [O, N·P] product / gathered output gradient.
    private var matrix: [Float] = []
    /// One image's im2col when predicting, kept apart from `columns` so that alternating
    /// training and evaluation does not reallocate the batch-sized buffer.
    private var imageColumns: [Float] = []

    init(_ node: GraphNode) throws {
        self.node = node
        window = try WindowAttributes(node)
        group = try NodeAttributes(node).integer("group", default: 1)
    }

    private func mismatch(_ what: String) -> EngineError {
        EngineError(.architectureMismatch, "node \(node.displayName) (Conv): \(what)")
    }

    /// Checks the shapes and sets `geometry`, `inputShape` and `weight` for this batch.
    private func prepare(_ input: FloatTensor, _ weight: FloatTensor) throws -> WindowColumns {
        let rank = input.shape.count
        guard rank == 3 || rank == 4, weight.shape.count == rank, group > 0 else {
            throw mismatch("input \(input.shape) and weight \(weight.shape) are not a 1-D or 2-D convolution")
        }
        let channels = input.shape[1], outputChannels = weight.shape[0]
        guard channels % group == 0, outputChannels % group == 0, weight.shape[1] * group == channels else {
            throw mismatch("weight \(weight.shape) with group \(group) does not fit \(channels) input channels")
        }
        let kernel = Array(weight.shape.dropFirst(2))
        if let declared = window.kernelShape, declared != kernel {
            throw mismatch("kernel_shape \(declared) differs from the weight's \(kernel)")
        }
        let axes = try window.axes(spatial: Array(input.shape.dropFirst(2)), kernel: kernel)
        let geometry = WindowColumns(rows: axes.rows, columns: axes.columns, channels: channels)
        self.geometry = geometry
        inputShape = input.shape
        self.weight = weight
        return geometry
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        try forward(inputs, mode: mode, epilogues: [])
    }

    /// The forward pass, with `epilogues` (prediction only) applied to each image's output in turn.
    func forward(_ inputs: [GraphValue?], mode: ForwardMode, epilogues: [ImageEpilogue]) throws -> [GraphValue] {
        precondition(epilogues.isEmpty || mode == .prediction, "Conv epilogues are for predicting only")
        guard inputs.count >= 2, let x = inputs[0], let w = inputs[1] else { throw mismatch("needs an input and a weight") }
        let input = try x.floatTensor(node, input: 0)
        let geometry = try prepare(input, try w.floatTensor(node, input: 1))
        let batch = input.shape[0], outputChannels = weight.shape[0]
        let pixels = geometry.outputPixels, rowLength = batch * pixels
        let groupChannels = geometry.channels / group, groupOutputs = outputChannels / group
        let patch = groupChannels * geometry.kernelArea
        var bias = [Float](repeating: 0, count: outputChannels)
        hasBias = inputs.count > 2 && inputs[2] != nil
        if hasBias, let value = inputs[2] {
            bias = try value.floatTensor(node, input: 2).values
            guard bias.count == outputChannels else { throw mismatch("bias of \(bias.count) values for \(outputChannels) output channels") }
        }
        let spatial = input.shape.count == 4 ? [geometry.rows.outputSize, geometry.columns.outputSize] : [geometry.columns.outputSize]
        if mode == .prediction {
            let output = predict(input, geometry: geometry, bias: hasBias ? bias : nil, epilogues: epilogues)
            return [.float(FloatTensor(computedShape: [batch, outputChannels] + spatial, values: output))]
        }
        resize(&columns, to: group * patch * rowLength)
        resize(&matrix, to: outputChannels * rowLength)
        input.values.withUnsafeBufferPointer { x in
            weight.values.withUnsafeBufferPointer { w in
                columns.withUnsafeMutableBufferPointer { cols in
                    matrix.withUnsafeMutableBufferPointer { product in
                        for index in 0..<group {
                            let groupColumns = UnsafeMutableBufferPointer(rebasing: cols[(index * patch * rowLength)..<((index + 1) * patch * rowLength)])
                            geometry.im2col(x, batch: batch, channelRange: (index * groupChannels)..<((index + 1) * groupChannels), into: groupColumns)
                            BLAS.gemm(transposeA: false, transposeB: false, m: groupOutputs, n: rowLength, k: patch,
                                      a: UnsafeBufferPointer(rebasing: w[(index * groupOutputs * patch)...]), lda: patch,
                                      b: UnsafeBufferPointer(groupColumns), ldb: rowLength, beta: 0,
                                      c: UnsafeMutableBufferPointer(rebasing: product[(index * groupOutputs * rowLength)...]), ldc: rowLength)
                        }
                    }
                }
            }
        }
        // The GEMMs yield [O, N, P]; the output layout is [N, O, P]: move P-long runs.
        var output = [Float](repeating: 0, count: batch * outputChannels * pixels)
        matrix.withUnsafeBufferPointer { product in
            output.withUnsafeMutableBufferPointer { out in
                for channel in 0..<outputChannels {
                    for image in 0..<batch {
                        let source = channel * rowLength + image * pixels
                        let destination = (image * outputChannels + channel) * pixels
                        for pixel in 0..<pixels { out[destination + pixel] = product[source + pixel] + bias[channel] }
                    }
                }
            }
        }
        return [.float(FloatTensor(computedShape: [batch, outputChannels] + spatial, values: output))]
    }

    /// The forward pass one image at a time, keeping nothing for a backward (as `Conv2D` does
    /// when predicting): each image's columns stay in cache, its GEMMs write its output in place,
    /// and the epilogues run on that output before the next image.
    private func predict(_ input: FloatTensor, geometry: WindowColumns, bias: [Float]?, epilogues: [ImageEpilogue]) -> [Float] {
        let batch = input.shape[0], outputChannels = weight.shape[0], pixels = geometry.outputPixels
        let groupChannels = geometry.channels / group, groupOutputs = outputChannels / group
        let patch = groupChannels * geometry.kernelArea, imageInput = geometry.channels * geometry.inputPixels
        // One image's columns, kept between batches. Every output value is set, by the GEMM
        // (beta 0) or by the bias and then the GEMM adding to it (beta 1): no zeroing first.
        resize(&imageColumns, to: patch * pixels)
        return input.values.withUnsafeBufferPointer { x in
            weight.values.withUnsafeBufferPointer { w in
                imageColumns.withUnsafeMutableBufferPointer { cols in
                    [Float](unsafeUninitializedCapacity: batch * outputChannels * pixels) { out, initialized in
                        for image in 0..<batch {
                            let imageIn = UnsafeBufferPointer(rebasing: x[(image * imageInput)..<((image + 1) * imageInput)])
                            let imageOut = out.baseAddress! + image * outputChannels * pixels
                            if let bias {
                                for channel in 0..<outputChannels { (imageOut + channel * pixels).initialize(repeating: bias[channel], count: pixels) }
                            }
                            for index in 0..<group {
                                geometry.im2col(imageIn, batch: 1, channelRange: (index * groupChannels)..<((index + 1) * groupChannels), into: cols)
                                BLAS.gemm(transposeA: false, transposeB: false, m: groupOutputs, n: pixels, k: patch,
                                          a: UnsafeBufferPointer(rebasing: w[(index * groupOutputs * patch)...]), lda: patch,
                                          b: UnsafeBufferPointer(cols), ldb: pixels, beta: bias == nil ? 0 : 1,
                                          c: UnsafeMutableBufferPointer(start: imageOut + index * groupOutputs * pixels, count: groupOutputs * pixels), ldc: pixels)
                            }
                            for epilogue in epilogues { epilogue.apply(to: imageOut, channels: outputChannels, pixels: pixels) }
                        }
                        initialized = batch * outputChannels * pixels
                    }
                }
            }
        }
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        var result: [FloatTensor?] = needed.map { _ in nil }
        guard let dy = outputGradients.first ?? nil, let geometry else { return result }
        let batch = inputShape[0], outputChannels = weight.shape[0]
        let pixels = geometry.outputPixels, rowLength = batch * pixels
        let groupChannels = geometry.channels / group, groupOutputs = outputChannels / group
        let patch = groupChannels * geometry.kernelArea
        // Gather dY [N, O, P] into the [O, N·P] matrix and sum it per channel for the bias.
        var biasGradient = [Float](repeating: 0, count: outputChannels)
        dy.values.withUnsafeBufferPointer { g in
            matrix.withUnsafeMutableBufferPointer { gathered in
                for channel in 0..<outputChannels {
                    var sum: Float = 0
                    for image in 0..<batch {
                        let source = (image * outputChannels + channel) * pixels
                        let destination = channel * rowLength + image * pixels
                        for pixel in 0..<pixels {
                            gathered[destination + pixel] = g[source + pixel]
                            sum += g[source + pixel]
                        }
                    }
                    biasGradient[channel] = sum
                }
            }
        }
        let wantsInput = needed.first ?? false
        var weightGradient = [Float](repeating: 0, count: weight.count)
        matrix.withUnsafeBufferPointer { gathered in
            columns.withUnsafeBufferPointer { cols in
                weightGradient.withUnsafeMutableBufferPointer { dw in
                    for index in 0..<group {
                        BLAS.gemm(transposeA: false, transposeB: true, m: groupOutputs, n: patch, k: rowLength,
                                  a: UnsafeBufferPointer(rebasing: gathered[(index * groupOutputs * rowLength)...]), lda: rowLength,
                                  b: UnsafeBufferPointer(rebasing: cols[(index * patch * rowLength)...]), ldb: rowLength,
                                  beta: 0, c: UnsafeMutableBufferPointer(rebasing: dw[(index * groupOutputs * patch)...]), ldc: patch)
                    }
                }
            }
        }
        let inputGradient = wantsInput ? inputGradient(dy, geometry: geometry) : []
        if wantsInput { result[0] = FloatTensor(computedShape: inputShape, values: inputGradient) }
        if needed.count > 1 && needed[1] { result[1] = FloatTensor(computedShape: weight.shape, values: weightGradient) }
        if needed.count > 2 && needed[2] && hasBias { result[2] = FloatTensor(computedShape: [outputChannels], values: biasGradient) }
        return result
    }

    /// d(loss)/d(input) image by image: each image's column gradient (Wᵀ times its dY, read in
    /// place) is made in a scratch that stays in cache and folded back by col2im at once, where
    /// the whole batch's was megabytes written and read back; the same GEMM per value.
    private func inputGradient(_ dy: FloatTensor, geometry: WindowColumns) -> [Float] {
        let batch = inputShape[0], outputChannels = weight.shape[0], pixels = geometry.outputPixels
        let groupChannels = geometry.channels / group, groupOutputs = outputChannels / group, group = group
        let patch = groupChannels * geometry.kernelArea, imageInput = geometry.channels * geometry.inputPixels
        var inputGradient = [Float](repeating: 0, count: batch * imageInput)
        dy.values.withUnsafeBufferPointer { g in
            weight.values.withUnsafeBufferPointer { w in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    let (g, w, dx) = (DisjointAccess(g), DisjointAccess(w), DisjointAccess(dx))
                    ImageChunks.forEach(batch: batch, work: batch * patch * pixels) { images in
                        var scratch = [Float](repeating: 0, count: patch * pixels)
                        scratch.withUnsafeMutableBufferPointer { columnGradient in
                            for image in images {
                                let imageGradient = UnsafeMutableBufferPointer(rebasing: dx.pointer[(image * imageInput)..<((image + 1) * imageInput)])
                                for index in 0..<group {
                                    BLAS.gemm(transposeA: true, transposeB: false, m: patch, n: pixels, k: groupOutputs,
                                              a: UnsafeBufferPointer(rebasing: w.pointer[(index * groupOutputs * patch)...]), lda: patch,
                                              b: UnsafeBufferPointer(rebasing: g.pointer[((image * outputChannels + index * groupOutputs) * pixels)...]),
                                              ldb: pixels, beta: 0, c: columnGradient, ldc: pixels)
                                    geometry.col2im(columnGradient, batch: 1,
                                                    channelRange: (index * groupChannels)..<((index + 1) * groupChannels), into: imageGradient)
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// Grows or shrinks a scratch buffer without reallocating when the size is unchanged.
    private func resize(_ buffer: inout [Float], to count: Int) {
        if buffer.count != count { buffer = [Float](repeating: 0, count: count) }
    }
}
