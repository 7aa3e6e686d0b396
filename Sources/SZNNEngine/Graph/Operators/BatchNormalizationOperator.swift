/// ONNX BatchNormalization over [N, C, …]: y = scale · (x − mean) / √(var + epsilon) + B.
///
/// Inference uses the running statistics (inputs 3, 4). Training (`ForwardMode.training`, or the
/// node's training_mode attribute) uses the batch mean and biased variance, and updates the
/// running statistics as ONNX defines: running = running · momentum + batch · (1 − momentum),
/// written into the bound buffer Parameters and returned as outputs 1 and 2 when the node has them.
final class BatchNormalizationOperator: BufferUpdatingOperator, EpilogueOperator {
    private let node: GraphNode
    private let epsilon: Float
    private let momentum: Float
    private let trainingAttribute: Bool
    /// The running mean and variance Parameters, when they are initializers of the graph.
    private var runningMean: Parameter?, runningVariance: Parameter?
    private var inputShape: [Int] = []
    private var scale: [Float] = [], mean: [Float] = [], inverseDeviation: [Float] = []
    private var normalized: [Float] = []
    private var usedBatchStatistics = false

    init(_ node: GraphNode) throws {
        let attributes = NodeAttributes(node)
        self.node = node
        epsilon = try attributes.float("epsilon", default: 1e-5)
        momentum = try attributes.float("momentum", default: 0.9)
        trainingAttribute = try attributes.integer("training_mode", default: 0) != 0
    }

    var bufferNames: [String] { Array(node.inputs.dropFirst(3).prefix(2)) }

    func bind(buffers: [String: Parameter]) {
        let names = bufferNames
        runningMean = names.count > 0 ? buffers[names[0]] : nil
        runningVariance = names.count > 1 ? buffers[names[1]] : nil
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard inputs.count == 5, let values = inputs as? [GraphValue] else {
            throw NodeAttributes(node).unsupported("\(inputs.count) inputs (it needs X, scale, B, mean, var)")
        }
        let x = try values[0].floatTensor(node, input: 0)
        let channels = x.shape.count >= 2 ? x.shape[1] : 0
        let perChannel = try (1...4).map { try values[$0].floatTensor(node, input: $0).values }
        guard x.shape.count >= 2, perChannel.allSatisfy({ $0.count == channels }) else {
            throw EngineError(.architectureMismatch,
                              "node \(node.displayName) (BatchNormalization): input \(x.shape) needs scale, B, mean and var of \(channels) values")
        }
        inputShape = x.shape
        scale = perChannel[0]
        usedBatchStatistics = mode == .training || trainingAttribute
        let spatial = x.shape.dropFirst(2).reduce(1, *), batch = x.shape[0]
        var runningMeanValues = perChannel[2], runningVarianceValues = perChannel[3]
        if usedBatchStatistics {
            let (batchMean, batchVariance) = Self.statistics(x.values, batch: batch, channels: channels, spatial: spatial)
            mean = batchMean
            inverseDeviation = inverseDeviations(batchVariance)
            for channel in 0..<channels {
                runningMeanValues[channel] = runningMeanValues[channel] * momentum + batchMean[channel] * (1 - momentum)
                runningVarianceValues[channel] = runningVarianceValues[channel] * momentum + batchVariance[channel] * (1 - momentum)
            }
            runningMean?.values = runningMeanValues
            runningVariance?.values = runningVarianceValues
        } else {
            mean = runningMeanValues
            inverseDeviation = inverseDeviations(runningVarianceValues)
        }
        let output = normalize(x.values, batch: batch, channels: channels, spatial: spatial, shift: perChannel[1],
                               keepingNormalized: mode != .prediction)
        var outputs: [GraphValue] = [.float(FloatTensor(computedShape: x.shape, values: output))]
        if node.outputs.count > 1 { outputs.append(.float(FloatTensor(computedShape: [channels], values: runningMeanValues))) }
        if node.outputs.count > 2 { outputs.append(.float(FloatTensor(computedShape: [channels], values: runningVarianceValues))) }
        return outputs
    }

    /// The inference output for the running statistics, fused into the Conv before it; nil when
    /// the node normalizes with batch statistics or an input is not a float initializer of
    /// `channels` values.
    func epilogue(_ inputs: [GraphValue?], channels: Int) -> ImageEpilogue? {
        guard !trainingAttribute, inputs.count == 5 else { return nil }
        var perChannel: [[Float]] = []
        for value in inputs.dropFirst() {
            guard case .float(let tensor)? = value, tensor.count == channels else { return nil }
            perChannel.append(tensor.values)
        }
        return .batchNormalization(mean: perChannel[2], inverseDeviation: inverseDeviations(perChannel[3]),
                                   scale: perChannel[0], shift: perChannel[1])
    }

    /// σ⁻¹ = 1 / √(variance + epsilon) per channel.
    private func inverseDeviations(_ variances: [Float]) -> [Float] {
        variances.map { 1 / ($0 + epsilon).squareRoot() }
    }

    /// One output value, (x − mean) · σ⁻¹ · scale + B: the same expression whether it runs here
    /// or in a Conv's epilogue, so the two give the same floats.
    @inline(__always)
    static func normalized(_ x: Float, center: Float, inverse: Float, gain: Float, offset: Float) -> Float {
        (x - center) * inverse * gain + offset
    }

    /// y = x̂ · scale + B with x̂ = (x − mean) · σ⁻¹, written straight into fresh arrays; x̂ is kept
    /// in `normalized` for the backward unless predicting (no backward follows).
    private func normalize(_ input: [Float], batch: Int, channels: Int, spatial: Int, shift: [Float],
                           keepingNormalized: Bool) -> [Float] {
        let count = input.count
        if keepingNormalized {
            normalized = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        }
        return input.withUnsafeBufferPointer { x in
            normalized.withUnsafeMutableBufferPointer { xHat in
                [Float](unsafeUninitializedCapacity: count) { y, initialized in
                    for run in 0..<(batch * channels) {
                        let channel = run % channels
                        let (center, inverse, gain, offset) = (mean[channel], inverseDeviation[channel], scale[channel], shift[channel])
                        if keepingNormalized {
                            for index in (run * spatial)..<((run + 1) * spatial) {
                                xHat[index] = (x[index] - center) * inverse
                                y[index] = xHat[index] * gain + offset
                            }
                        } else {
                            for index in (run * spatial)..<((run + 1) * spatial) {
                                y[index] = Self.normalized(x[index], center: center, inverse: inverse, gain: gain, offset: offset)
                            }
                        }
                    }
                    initialized = count
                }
            }
        }
    }

    /// Per-channel mean and biased variance, two passes in Double (E[x²] − E[x]² loses too much in Float).
    ///
    /// Each channel's sums take their terms in the order of a plain loop over the planes (image
    /// after image, element after element), so the floats are the same; `PlaneSums` advances
    /// four channels' sums together.
    private static func statistics(_ x: [Float], batch: Int, channels: Int, spatial: Int) -> ([Float], [Float]) {
        let count = Double(batch * spatial)
        let planes = PlaneSums(batch: batch, channels: channels, spatial: spatial)
        return x.withUnsafeBufferPointer { x in
            let means = planes.sums(Double.self) { Double(x[$0]) }.map { $0 / count }
            let squares = planes.sums(Double.self) { index, channel in
                let deviation = Double(x[index]) - means[channel]
                return deviation * deviation
            }
            return (means.map { Float($0) }, squares.map { Float($0 / count) })
        }
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let dy = outputGradients.first ?? nil else { return needed.map { _ in nil } }
        let channels = scale.count, batch = inputShape[0], spatial = inputShape.dropFirst(2).reduce(1, *)
        var gradientSums: [Float] = [], weightedSums: [Float] = []
        let count = Float(batch * spatial)
        var inputGradient = [Float](repeating: 0, count: dy.count)
        // Per channel, Σdy and Σdy·x̂ in the order of a plain loop over the planes: the same floats.
        let planes = PlaneSums(batch: batch, channels: channels, spatial: spatial)
        dy.values.withUnsafeBufferPointer { dy in
            normalized.withUnsafeBufferPointer { normalized in
                gradientSums = planes.sums(Float.self) { dy[$0] }
                weightedSums = planes.sums(Float.self) { index, _ in dy[index] * normalized[index] }
                guard needed[0] else { return }
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    for run in 0..<(batch * channels) {
                        let channel = run % channels
                        let factor = scale[channel] * inverseDeviation[channel]
                        // With batch statistics: dx = γ·σ⁻¹ · (dy − mean(dy) − x̂ · mean(dy · x̂)).
                        let (meanGradient, meanWeighted) = usedBatchStatistics
                            ? (gradientSums[channel] / count, weightedSums[channel] / count) : (0, 0)
                        for index in (run * spatial)..<((run + 1) * spatial) {
                            dx[index] = factor * (dy[index] - meanGradient - normalized[index] * meanWeighted)
                        }
                    }
                }
            }
        }
        // Running statistics feed the output only in inference: dmean = −γσ⁻¹Σdy, dvar = −½γσ⁻²Σ(dy·x̂).
        let meanGradient = (0..<channels).map { usedBatchStatistics ? 0 : -scale[$0] * inverseDeviation[$0] * gradientSums[$0] }
        let varianceGradient = (0..<channels).map {
            usedBatchStatistics ? 0 : -0.5 * scale[$0] * inverseDeviation[$0] * inverseDeviation[$0] * weightedSums[$0]
        }
        let gradients: [FloatTensor?] = [
            FloatTensor(computedShape: inputShape, values: inputGradient),
            FloatTensor(computedShape: [channels], values: weightedSums),
            FloatTensor(computedShape: [channels], values: gradientSums),
            FloatTensor(computedShape: [channels], values: meanGradient),
            FloatTensor(computedShape: [channels], values: varianceGradient),
        ]
        return zip(gradients, needed).map { $1 ? $0 : nil }
    }
}
