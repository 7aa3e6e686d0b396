import Foundation

/// Batch normalisation over the channel axis (PyTorch's BatchNorm1d on `[N, F]`,
/// BatchNorm2d on `[N, C, H, W]`).
///
/// Training normalises with the batch mean and biased variance and updates the running
/// statistics as `running = (1 − momentum)·running + momentum·batch` (the running variance
/// takes the unbiased batch variance, as PyTorch does). Inference normalises with the running
/// statistics, which are buffers: saved with the weights, never trained.
public final class BatchNorm: Layer {
    public let name: String
    public let outputShape: [Int]
    public let momentum: Float
    public let epsilon: Float
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Parameter
    public let runningVariance: Parameter
    private let channels: Int
    /// Elements per channel per sample (H·W, or 1 for feature vectors).
    private let spatial: Int
    private var normalized: [Float] = []
    private var inverseStandardDeviation: [Float]
    private var lastMode: ForwardMode = .inference

    init(name: String, shape: [Int], momentum: Float, epsilon: Float) {
        self.name = name
        self.outputShape = shape
        self.momentum = momentum
        self.epsilon = epsilon
        channels = shape.first ?? 1
        spatial = shape.dropFirst().reduce(1, *)
        weight = Parameter(name: "\(name).weight", shape: [channels],
                           values: [Float](repeating: 1, count: channels), isTrainable: true)
        bias = Parameter(name: "\(name).bias", shape: [channels],
                         values: [Float](repeating: 0, count: channels), isTrainable: true)
        runningMean = Parameter(name: "\(name).running_mean", shape: [channels],
                                values: [Float](repeating: 0, count: channels), isTrainable: false)
        runningVariance = Parameter(name: "\(name).running_var", shape: [channels],
                                    values: [Float](repeating: 1, count: channels), isTrainable: false)
        inverseStandardDeviation = [Float](repeating: 1, count: channels)
    }

    public var parameters: [Parameter] { [weight, bias, runningMean, runningVariance] }

    public func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor {
        let batch = input.batchSize
        let perChannel = batch * spatial
        lastMode = mode
        if normalized.count != input.count { normalized = [Float](repeating: 0, count: input.count) }
        var output = [Float](repeating: 0, count: input.count)
        input.values.withUnsafeBufferPointer { x in
            for channel in 0..<channels {
                let mean: Float
                let inverse: Float
                if mode == .training {
                    // Two passes in Double: one-pass E[x²] − E[x]² loses too much in Float.
                    var sum = 0.0
                    forEachRun(channel: channel, batch: batch) { start in
                        for offset in 0..<spatial { sum += Double(x[start + offset]) }
                    }
                    let batchMean = sum / Double(perChannel)
                    var squares = 0.0
                    forEachRun(channel: channel, batch: batch) { start in
                        for offset in 0..<spatial {
                            let deviation = Double(x[start + offset]) - batchMean
                            squares += deviation * deviation
                        }
                    }
                    let biasedVariance = squares / Double(perChannel)
                    let unbiasedVariance = perChannel > 1 ? squares / Double(perChannel - 1) : biasedVariance
                    runningMean.values[channel] = (1 - momentum) * runningMean.values[channel] + momentum * Float(batchMean)
                    runningVariance.values[channel] = (1 - momentum) * runningVariance.values[channel]
                        + momentum * Float(unbiasedVariance)
                    mean = Float(batchMean)
                    inverse = Float(1 / (biasedVariance + Double(epsilon)).squareRoot())
                } else {
                    mean = runningMean.values[channel]
                    inverse = 1 / (runningVariance.values[channel] + epsilon).squareRoot()
                }
                inverseStandardDeviation[channel] = inverse
                let scale = weight.values[channel], shift = bias.values[channel]
                normalized.withUnsafeMutableBufferPointer { xHat in
                    output.withUnsafeMutableBufferPointer { y in
                        forEachRun(channel: channel, batch: batch) { start in
                            for index in start..<(start + spatial) {
                                xHat[index] = (x[index] - mean) * inverse
                                y[index] = xHat[index] * scale + shift
                            }
                        }
                    }
                }
            }
        }
        return FloatTensor(computedShape: input.shape, values: output)
    }

    public func backward(_ outputGradient: FloatTensor) -> FloatTensor {
        let batch = outputGradient.batchSize
        let perChannel = Float(batch * spatial)
        var inputGradient = [Float](repeating: 0, count: outputGradient.count)
        outputGradient.values.withUnsafeBufferPointer { dy in
            normalized.withUnsafeBufferPointer { xHat in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    for channel in 0..<channels {
                        var gradientSum: Float = 0, weightedSum: Float = 0
                        forEachRun(channel: channel, batch: batch) { start in
                            for index in start..<(start + spatial) {
                                gradientSum += dy[index]
                                weightedSum += dy[index] * xHat[index]
                            }
                        }
                        bias.gradient[channel] = gradientSum
                        weight.gradient[channel] = weightedSum
                        let factor = weight.values[channel] * inverseStandardDeviation[channel]
                        if lastMode == .training {
                            // dx = γ·σ⁻¹/M · (M·dy − Σdy − x̂·Σ(dy·x̂)): the batch statistics depend on x.
                            let meanGradient = gradientSum / perChannel, meanWeighted = weightedSum / perChannel
                            forEachRun(channel: channel, batch: batch) { start in
                                for index in start..<(start + spatial) {
                                    dx[index] = factor * (dy[index] - meanGradient - xHat[index] * meanWeighted)
                                }
                            }
                        } else {
                            forEachRun(channel: channel, batch: batch) { start in
                                for index in start..<(start + spatial) { dx[index] = factor * dy[index] }
                            }
                        }
                    }
                }
            }
        }
        return FloatTensor(computedShape: outputGradient.shape, values: inputGradient)
    }

    /// Calls `body` with the start index of each sample's contiguous run for `channel`.
    @inline(__always)
    private func forEachRun(channel: Int, batch: Int, _ body: (Int) -> Void) {
        for sample in 0..<batch { body((sample * channels + channel) * spatial) }
    }
}
