import Foundation
import SZNNCore
import SZNNEngine

/// Settings of compression-aware training (`sz-nn train --learn-error-bounds`).
public struct CompressionAwareOptions: Sendable {
    /// The largest allowed top-1 drop on validation, in percentage points, against the baseline.
    public var targetAccuracyLoss: Double
    /// Passes over the training split.
    public var epochs = 2
    public var batchSize = 64
    /// Optimizer steps between two real evaluations (quantize, measure validation top-1, adapt μ).
    public var evaluateEvery = 200
    /// Adam's step size on s = ln(bound).
    public var boundLearningRate = 0.02
    public var seed: UInt64 = 1
    /// What stands in for the compression error in training (see `ErrorBoundTuner.Surrogate`).
    public var surrogate: ErrorBoundTuner.Surrogate = .quantizationError
    /// With `maximumBatches`, each epoch stops after that many batches (smoke tests).
    public var maximumBatches: Int?

    public init(targetAccuracyLoss: Double) {
        self.targetAccuracyLoss = targetAccuracyLoss
    }
}

/// Where compression-aware training is, for progress display.
public struct CompressionAwareProgress: Sendable {
    public let epoch: Int
    public let epochs: Int
    public let batch: Int
    public let batches: Int
    /// Mean training loss of the epoch so far (at the perturbed weights).
    public let loss: Double
    /// Estimated bits of the tuned tensors at the current bounds.
    public let estimatedBits: Double
    /// The last measured validation drop (percentage points), if any.
    public let lastDrop: Double?
}

/// Trains a network's weights and their error bounds together.
///
/// Every step runs the network at `W + e·U` (the compressed model's surrogate), takes the
/// gradients once, and uses them twice: the optimizer moves W — so the weights learn to
/// tolerate the error their bounds allow — and `ErrorBoundTuner` moves s = ln e against
/// rate + μ·CE. Every `evaluateEvery` steps the bounds are applied for real (quantized
/// weights, validation top-1) and μ follows the measured drop by dual ascent; the rate
/// models are measured again after each epoch because the weights' distribution drifts.
/// The state with the smallest estimated size whose measured drop met the target is kept
/// (weights, buffers and bounds together: the weights were trained for those bounds).
/// Training does not promise the target: the caller verifies and scales the result for real.
public final class CompressionAwareTrainer {
    let network: Network
    let training: Dataset
    let validation: Dataset
    let optimizer: any Optimizer
    /// Validation top-1 the drops are measured against.
    let baselineAccuracy: Double
    let options: CompressionAwareOptions
    let oracle: RateOracle
    let tuner: ErrorBoundTuner
    /// Full validation evaluations made so far.
    public private(set) var evaluations = 0
    /// The best measured state that met the target: every network tensor, the bounds, the estimated bits.
    private var best: (tensors: [NamedTensor], bounds: [Double], bits: Double, drop: Double)?
    /// Every network tensor as training found them: `finishScaled`'s way back when training lost accuracy.
    let startingTensors: [NamedTensor]

    /// `tensors` are measured on the network's current weights; drops are measured against
    /// `baselineAccuracy` (validation top-1 in [0, 1], that of the model training started from).
    public init(network: Network, training: Dataset, validation: Dataset, tensors: [TunedTensor], initialBounds: [Double],
                optimizer: any Optimizer, baselineAccuracy: Double, options: CompressionAwareOptions, oracle: @escaping RateOracle) throws {
        guard options.targetAccuracyLoss >= 0, options.targetAccuracyLoss < 100 else {
            throw SZNNError(.invalidArgument, "the accuracy-loss target must be in [0, 100) percentage points, got \(options.targetAccuracyLoss)")
        }
        guard options.epochs >= 1, options.batchSize >= 1, options.evaluateEvery >= 1, training.count > 0 else {
            throw SZNNError(.invalidArgument, "compression-aware training needs at least one epoch, batch and training image")
        }
        guard initialBounds.count == tensors.count else {
            throw SZNNError(.invalidArgument, "\(initialBounds.count) initial bounds for \(tensors.count) tuned tensors")
        }
        self.network = network
        self.training = training
        self.validation = validation
        self.optimizer = optimizer
        self.baselineAccuracy = baselineAccuracy
        self.options = options
        self.oracle = oracle
        tuner = ErrorBoundTuner(tensors: tensors, initialBounds: initialBounds, learningRate: options.boundLearningRate, seed: options.seed)
        tuner.surrogate = options.surrogate
        startingTensors = network.namedTensors()
    }

    /// Puts the best state that met the target (else the last one) into the network and
    /// returns its tensors, with rate models measured on those weights, and its bounds.
    public func finish() throws -> (tensors: [TunedTensor], bounds: [Double], measuredDrop: Double?) {
        if let best {
            try network.loadParameters(Dictionary(uniqueKeysWithValues: best.tensors.map { ($0.name, ($0.shape, $0.values)) }))
            try tuner.updateWeights(from: network)
        }
        try tuner.remeasureRates(oracle: oracle)
        return (tuner.tensors, best?.bounds ?? tuner.boundList, best?.drop)
    }

    /// Runs the epochs; `progress` is called after every step.
    public func run(progress: (CompressionAwareProgress) -> Void = { _ in }) throws {
        var generator = RandomGenerator(seed: options.seed ^ 0x434F_4D50_5245_5353)
        try tuner.calibrateMultiplier(network: network, batches: (0..<4).map { _ in
            training.batch(indices: (0..<options.batchSize).map { _ in generator.nextInt(below: training.count) })
        })
        var lastDrop: Double?
        var steps = 0
        for epoch in 1...options.epochs {
            var batches = training.shuffledBatches(batchSize: options.batchSize, generator: &generator)
            if let maximumBatches = options.maximumBatches { batches = Array(batches.prefix(maximumBatches)) }
            var lossSum = 0.0
            for (index, batch) in batches.enumerated() {
                let (images, labels) = training.batch(indices: batch)
                try tuner.perturb(network)
                let (loss, gradients) = try network.lossAndGradients(images: images, labels: labels, mode: .training)
                guard loss.isFinite else {
                    throw SZNNError(.invalidArgument, "the loss diverged (\(loss)) in epoch \(epoch), batch \(index + 1)", hint: "lower --lr")
                }
                try tuner.restore(network)
                optimizer.step(network.parameters)
                try tuner.updateWeights(from: network)
                tuner.step(gradients: gradients)
                lossSum += Double(loss)
                steps += 1
                if steps % options.evaluateEvery == 0 || index == batches.count - 1 {
                    let drop = try measuredDrop()
                    lastDrop = drop
                    tuner.adaptMultiplier(measuredDrop: drop, target: options.targetAccuracyLoss)
                    let bits = tuner.estimatedBits
                    if drop <= options.targetAccuracyLoss, bits < best?.bits ?? .infinity {
                        best = (network.namedTensors(), tuner.boundList, bits, drop)
                    }
                }
                progress(CompressionAwareProgress(epoch: epoch, epochs: options.epochs, batch: index + 1, batches: batches.count,
                                                  loss: lossSum / Double(index + 1), estimatedBits: tuner.estimatedBits, lastDrop: lastDrop))
            }
            // The last epoch's rates are measured by `finish`, on the state it keeps.
            if epoch < options.epochs { try tuner.remeasureRates(oracle: oracle) }
        }
    }

    /// The validation drop (percentage points) with the current weights quantized for real at the current bounds.
    func measuredDrop() throws -> Double {
        let probe = try AccuracyProbe(network: network, validation: validation, tensors: tuner.tensors, baselineAccuracy: baselineAccuracy)
        evaluations += 1
        return try probe.drop(bounds: tuner.boundList)
    }
}
