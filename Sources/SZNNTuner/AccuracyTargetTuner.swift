import Foundation
import SZNNCore
import SZNNEngine

/// How the bounds are searched.
public enum TuningMethod: String, Sendable, CaseIterable {
    /// The smaller of the Fisher allocation and one uniform bound (each scaled to the target),
    /// then gradient descent on the bounds, retracted to the target by real evaluations every
    /// few steps, so it never ends above its start (the default).
    case gradient
    /// The closed-form Fisher allocation with one global factor bisected against the target.
    case fisher
}

/// Settings of a post-training tuning run.
public struct TuningOptions: Sendable {
    /// The largest allowed top-1 drop on validation, in percentage points.
    public var targetAccuracyLoss: Double
    public var method: TuningMethod = .gradient
    /// Gradient steps on the bounds.
    public var steps = 240
    /// Retractions spread over the steps: each scales the bounds reached to the target with 4
    /// real evaluations (quantize for real, measure validation top-1).
    public var gradientEvaluations = 4
    /// Gradient steps between two real evaluations.
    var evaluateEvery: Int { max(1, steps / max(1, gradientEvaluations)) }
    public var batchSize = 64
    public var learningRate = 0.08
    public var seed: UInt64 = 0
    public var surrogate: ErrorBoundTuner.Surrogate = .uniformNoise
    /// Where the search starts (absolute bounds, tensor order), e.g. bounds learned in training;
    /// nil starts from the Fisher allocation.
    public var initialBounds: [Double]?
    /// The validation top-1 drops are measured against; nil: the network's own.
    public var baselineAccuracy: Double?
    /// With a level C in (0, 1): a share of validation (`confirmationFraction`) is held out of the
    /// search, and the result is accepted only if the drop's one-sided upper bound at confidence
    /// C on those images is within the target (`Confirmation`). nil: the target holds on the
    /// validation images searched on, nothing more.
    public var confidence: Double?
    /// The share of validation kept for confirmation when `confidence` is set.
    public var confirmationFraction = 0.5

    public init(targetAccuracyLoss: Double) {
        self.targetAccuracyLoss = targetAccuracyLoss
    }
}

/// Where a tuning run is, for progress display.
public struct TuningProgress: Sendable {
    public let phase: String
    public let step: Int
    public let totalSteps: Int
    /// Estimated bits of the tuned tensors at the current bounds.
    public let estimatedBits: Double
    /// The last measured validation drop (percentage points), if any.
    public let lastDrop: Double?
}

/// The result of tuning: bounds that meet the target on validation, as measured.
public struct TuningOutcome: Sendable {
    /// One absolute bound per tuned tensor, in tensor order.
    public let bounds: [Double]
    public let baselineAccuracy: Double
    /// Validation top-1 with every tuned tensor really quantized at `bounds`.
    public let compressedAccuracy: Double
    public let estimatedBits: Double
    public let evaluations: Int
    /// What the held-out confirmation found, when the run had a confidence level.
    public let confirmation: Confirmation?

    public init(bounds: [Double], baselineAccuracy: Double, compressedAccuracy: Double, estimatedBits: Double, evaluations: Int,
                confirmation: Confirmation? = nil) {
        self.bounds = bounds
        self.baselineAccuracy = baselineAccuracy
        self.compressedAccuracy = compressedAccuracy
        self.estimatedBits = estimatedBits
        self.evaluations = evaluations
        self.confirmation = confirmation
    }
}

/// Finds per-tensor bounds with the smallest estimated size whose real validation drop meets the target.
///
/// Fisher allocation gives a feasible start (its global factor bisected for real); gradient
/// steps then move the bounds with `ErrorBoundTuner`, and `gradientEvaluations` times along the way the
/// bounds are quantized for real and measured, which drives μ by dual ascent and keeps the
/// best feasible configuration. The finish scales the best configuration up as far as the
/// target allows. The target is a hard constraint on validation: only measured
/// configurations are returned.
public final class AccuracyTargetTuner {
    let network: Network
    let training: Dataset
    let probe: AccuracyProbe
    let tensors: [TunedTensor]
    let options: TuningOptions
    let fisherSquares: [String: [Double]]
    /// The held-out images of a run with a confidence level, and the full validation's baseline.
    let confirmationProbe: AccuracyProbe?
    let validationBaseline: Double

    /// `fisherSquares` are the squared gradients of `FisherAllocation.squaredGradients` (also
    /// used to choose slice factors, so they are computed once by the caller).
    public init(network: Network, training: Dataset, validation: Dataset, tensors: [TunedTensor],
                fisherSquares: [String: [Double]], options: TuningOptions) throws {
        guard options.targetAccuracyLoss >= 0, options.targetAccuracyLoss < 100 else {
            throw SZNNError(.invalidArgument, "the accuracy-loss target must be in [0, 100) percentage points, got \(options.targetAccuracyLoss)")
        }
        self.network = network
        self.training = training
        self.tensors = tensors
        self.options = options
        self.fisherSquares = fisherSquares
        if let initialBounds = options.initialBounds, initialBounds.count != tensors.count {
            throw SZNNError(.invalidArgument, "\(initialBounds.count) initial bounds for \(tensors.count) tuned tensors")
        }
        if let confidence = options.confidence {
            guard confidence > 0, confidence < 1 else {
                throw SZNNError(.invalidArgument, "the confidence level must be in (0, 1), got \(confidence)")
            }
            guard options.baselineAccuracy == nil else {
                throw SZNNError(.invalidArgument, "a confidence level needs the network's own accuracy as the baseline (the held-out images are measured on it)")
            }
            let (search, held) = try Confirmation.split(validation, fraction: options.confirmationFraction, seed: options.seed)
            self.probe = try AccuracyProbe(network: network, validation: search, tensors: tensors)
            self.confirmationProbe = try AccuracyProbe(network: network, validation: held, tensors: tensors)
            self.validationBaseline = try network.accuracy(on: validation)
        } else {
            self.probe = try AccuracyProbe(network: network, validation: validation, tensors: tensors,
                                           baselineAccuracy: options.baselineAccuracy)
            self.confirmationProbe = nil
            self.validationBaseline = probe.baselineAccuracy
        }
    }

    /// Validation top-1 of the uncompressed network (all of validation, confirmation included).
    public var baselineAccuracy: Double { validationBaseline }

    /// Runs the search; `progress` is called after every step and evaluation.
    public func run(progress: (TuningProgress) -> Void = { _ in }) throws -> TuningOutcome {
        let target = options.targetAccuracyLoss
        progress(TuningProgress(phase: "fisher", step: 0, totalSteps: options.steps, estimatedBits: 0, lastDrop: nil))
        var start = try options.initialBounds.map(scaledToTarget) ?? fisherBounds()
        // One absolute bound for every tensor is the other natural start (it wins where the
        // tensors' sensitivities are alike): the search starts from the smaller of the two.
        if options.method == .gradient, options.initialBounds == nil, let uniform = try uniformBounds(),
           estimatedBits(uniform.bounds) < estimatedBits(start.bounds) {
            start = uniform
        }
        var best = (bounds: start.bounds, bits: estimatedBits(start.bounds), drop: start.drop)
        if options.method == .gradient {
            best = try gradientSearch(from: best, progress: progress)
        }
        progress(TuningProgress(phase: "scale", step: options.steps, totalSteps: options.steps, estimatedBits: best.bits, lastDrop: best.drop))
        if let scaled = try probe.largestScale(of: best.bounds, target: target, low: 1, high: 2, steps: 4), scaled.scale > 1 {
            best = (best.bounds.map { $0 * scaled.scale }, estimatedBits(best.bounds.map { $0 * scaled.scale }), scaled.drop)
        }
        var confirmation: Confirmation?
        if let confirmationProbe, let confidence = options.confidence {
            progress(TuningProgress(phase: "confirm", step: options.steps, totalSteps: options.steps, estimatedBits: best.bits, lastDrop: best.drop))
            let confirmed = try Confirmation.confirm(best.bounds, on: confirmationProbe, confidence: confidence, target: target,
                                                     searchedBits: best.bits, estimatedBits: estimatedBits)
            confirmation = confirmed
            best = (best.bounds.map { $0 * confirmed.scale }, estimatedBits(best.bounds.map { $0 * confirmed.scale }), confirmed.drop.observed)
        }
        return TuningOutcome(bounds: best.bounds, baselineAccuracy: validationBaseline,
                             compressedAccuracy: probe.baselineAccuracy - best.drop / 100,
                             estimatedBits: best.bits, evaluations: probe.evaluations + (confirmationProbe?.evaluations ?? 0),
                             confirmation: confirmation)
    }

    /// Estimated bits of the tuned tensors at `bounds`.
    func estimatedBits(_ bounds: [Double]) -> Double {
        zip(tensors, bounds).reduce(0) { $0 + $1.0.rate.bits(atLogBound: log($1.1)) }
    }

    /// Fisher allocation scaled to the target: relative bounds normalised to the weights'
    /// scales, then the largest global factor that meets the target, found by bisection.
    func fisherBounds() throws -> (bounds: [Double], drop: Double) {
        let relative = FisherAllocation.relativeBounds(tensors: tensors, squares: fisherSquares)
        let logMean = { (values: [Double]) in values.reduce(0) { $0 + log($1) } / Double(max(values.count, 1)) }
        let normaliser = exp(logMean(tensors.map(\.scale)) - logMean(relative))
        let start = relative.map { $0 * normaliser }
        guard let found = try probe.largestScale(of: start, target: options.targetAccuracyLoss, low: 1.0 / 4096, high: 16, steps: 9) else {
            throw SZNNError(.targetUnreachable,
                            "even bounds 4096× below the weights' scale lose more than \(options.targetAccuracyLoss) pp of validation accuracy",
                            hint: "raise --target-acc-loss or check that the weights match the model")
        }
        return (start.map { $0 * found.scale }, found.drop)
    }

    /// One absolute bound for every tuned tensor, the largest that meets the target (bisected
    /// from the weights' mean scale); nil if even 1/4096 of it fails.
    func uniformBounds() throws -> (bounds: [Double], drop: Double)? {
        let logMeanScale = tensors.reduce(0) { $0 + log($1.scale) } / Double(max(tensors.count, 1))
        let start = tensors.map { _ in exp(logMeanScale) }
        return try probe.largestScale(of: start, target: options.targetAccuracyLoss, low: 1.0 / 4096, high: 16, steps: 9)
            .map { found in (start.map { $0 * found.scale }, found.drop) }
    }

    /// Given bounds scaled by the largest factor in [1/4096, 4] that meets the target.
    func scaledToTarget(_ bounds: [Double]) throws -> (bounds: [Double], drop: Double) {
        guard let found = try probe.largestScale(of: bounds, target: options.targetAccuracyLoss, low: 1.0 / 4096, high: 4, steps: 9) else {
            throw SZNNError(.targetUnreachable,
                            "even the starting bounds divided by 4096 lose more than \(options.targetAccuracyLoss) pp of validation accuracy",
                            hint: "raise --target-acc-loss or check that the weights match the model")
        }
        return (bounds.map { $0 * found.scale }, found.drop)
    }

    /// Gradient steps from a feasible start; returns the best measured feasible configuration.
    func gradientSearch(from start: (bounds: [Double], bits: Double, drop: Double),
                        progress: (TuningProgress) -> Void) throws -> (bounds: [Double], bits: Double, drop: Double) {
        let target = options.targetAccuracyLoss
        let tuner = ErrorBoundTuner(tensors: tensors, initialBounds: start.bounds, learningRate: options.learningRate, seed: options.seed)
        tuner.surrogate = options.surrogate
        var generator = RandomGenerator(seed: options.seed &+ 1)
        try tuner.calibrateMultiplier(network: network, batches: (0..<4).map { _ in
            training.batch(indices: (0..<options.batchSize).map { _ in generator.nextInt(below: training.count) })
        })
        var best = start
        var lastDrop: Double? = start.drop
        for step in 1...max(1, options.steps) {
            let batch = training.batch(indices: (0..<options.batchSize).map { _ in generator.nextInt(below: training.count) })
            try tuner.perturb(network)
            let (_, gradients) = try network.lossAndGradients(images: batch.images, labels: batch.labels)
            try tuner.restore(network)
            tuner.step(gradients: gradients)
            if step % options.evaluateEvery == 0 || step == options.steps {
                // Retraction: the allocation the steps reached, scaled by the largest factor that
                // meets the target — allocations are compared where a file would be, at the target.
                let bounds = tuner.boundList
                if let found = try probe.largestScale(of: bounds, target: target, low: 0.5, high: 2, steps: 3) {
                    let retracted = bounds.map { $0 * found.scale }
                    lastDrop = found.drop
                    let bits = estimatedBits(retracted)
                    if bits < best.bits { best = (retracted, bits, found.drop) }
                    tuner.setBounds(retracted)
                } else {
                    tuner.setBounds(best.bounds)
                }
            }
            progress(TuningProgress(phase: "gradient", step: step, totalSteps: options.steps, estimatedBits: tuner.estimatedBits, lastDrop: lastDrop))
        }
        return best
    }
}
