import Foundation
import SZNNCore
import SZNNEngine

/// Learns one error bound per weight tensor by gradient descent, inside any training loop.
///
/// The compressed model is modelled during training as `W̃ = W + e·U`, `U ~ Uniform(-1, 1)`
/// drawn fresh each step (an error-bounded quantizer's error lies in [-e, e]). With
/// `s = ln e` the objective is `J(s) = Σ R(s)/R₀ + μ·CE(W̃)`, whose gradient is
/// `R'(s)/R₀ + μ·Σᵢ (∂CE/∂W̃ᵢ)·e·uᵢ`; the bounds take Adam steps on it.
///
/// Use in a loop:
/// ```swift
/// try tuner.perturb(network)                         // W ← W + e·U
/// let (_, gradients) = try network.lossAndGradients(images: x, labels: y)
/// try tuner.restore(network)                         // W back
/// tuner.step(gradients: gradients)                   // s ← Adam(s, ∂J/∂s)
/// ```
public final class ErrorBoundTuner {
    /// The tensors being tuned, in order.
    public private(set) var tensors: [TunedTensor]
    /// s = ln(error bound) per tensor.
    public private(set) var logBounds: [Double]
    /// μ, the weight of the accuracy term (adapted by `adaptMultiplier`).
    public var multiplier: Double
    /// Adam's step size on s (natural-log units).
    public var learningRate: Double
    /// What stands in for the compression error during training.
    public var surrogate: Surrogate = .uniformNoise

    /// The model of the compression error `W̃ − W` used for gradients.
    public enum Surrogate: String, Sendable, CaseIterable {
        /// `e·U`, `U ~ Uniform(-1, 1)` drawn fresh each step (unbiased; right at high rates).
        case uniformNoise = "uniform"
        /// The real quantizer's error at the current bounds (right at low rates, where most
        /// weights round to 0 and the error is −w, not uniform noise).
        case quantizationError = "quantization"
    }

    private let referenceBits: Double
    private var generator: RandomGenerator
    private var noise: [[Float]] = []
    private var firstMoment: [Double]
    private var secondMoment: [Double]
    private var stepCount = 0

    /// A tuner starting from `initialBounds` (absolute, one per tensor).
    public init(tensors: [TunedTensor], initialBounds: [Double], multiplier: Double = 1,
                learningRate: Double = 0.05, seed: UInt64 = 0) {
        self.tensors = tensors
        self.logBounds = zip(tensors, initialBounds).map { log(max($1, $0.scale * 1e-6)) }
        self.multiplier = multiplier
        self.learningRate = learningRate
        self.generator = RandomGenerator(seed: seed)
        self.firstMoment = Array(repeating: 0, count: tensors.count)
        self.secondMoment = Array(repeating: 0, count: tensors.count)
        self.referenceBits = max(1, tensors.reduce(0) { $0 + $1.rate.bits(atLogBound: log($1.scale)) })
    }

    /// The current absolute bounds by tensor name.
    public var errorBounds: [String: Double] {
        Dictionary(uniqueKeysWithValues: zip(tensors, logBounds).map { ($0.name, exp($1)) })
    }

    /// The current bounds in tensor order.
    public var boundList: [Double] { logBounds.map(exp) }

    /// Estimated coded bits of the tuned tensors at the current bounds.
    public var estimatedBits: Double {
        zip(tensors, logBounds).reduce(0) { $0 + $1.0.rate.bits(atLogBound: $1.1) }
    }

    /// Sets every tuned weight of `network` to `W + e·U` with fresh uniform noise (remembered for `step`).
    public func perturb(_ network: Network) throws {
        noise = []
        for (tensor, logBound) in zip(tensors, logBounds) {
            let bound = Float(exp(logBound))
            if surrogate == .quantizationError {
                // The real error pattern at the current bound, normalised by it: W̃ is the
                // compressed weights themselves, and the pattern is held fixed for d/ds.
                let reconstructed = try tensor.reconstructed(bound: Double(bound))
                noise.append(zip(reconstructed, tensor.values).map { ($0 - $1) / bound })
                try network.setValues(reconstructed, for: tensor.name)
                continue
            }
            var draw = [Float](repeating: 0, count: tensor.count)
            var perturbed = tensor.values
            let factors = tensor.elementFactors
            for index in 0..<tensor.count {
                // The draw carries the slice factor, so that Σ g·draw·e is the exact ds-derivative.
                let uniform = generator.nextFloat(in: -1, 1) * (factors.isEmpty ? 1 : factors[index])
                draw[index] = uniform
                perturbed[index] += bound * uniform
            }
            noise.append(draw)
            try network.setValues(perturbed, for: tensor.name)
        }
    }

    /// Puts the unperturbed weights back into `network`.
    public func restore(_ network: Network) throws {
        for tensor in tensors { try network.setValues(tensor.values, for: tensor.name) }
    }

    /// Replaces the weights the noise is added to (a training loop that also updates W calls this
    /// after each optimizer step); the rate models are kept.
    public func updateWeights(from network: Network) throws {
        tensors = try tensors.map { tensor in
            TunedTensor(replacingValuesOf: tensor, with: try network.values(of: tensor.name))
        }
    }

    /// Re-measures every rate model on the current weights (their distribution drifts in
    /// training, and with it the bits a bound costs); bounds, μ and Adam's moments are kept.
    public func remeasureRates(oracle: RateOracle) throws {
        tensors = try tensors.map { try $0.remeasured(oracle: oracle) }
    }

    /// d(μ·CE)/ds per tensor from the gradients at the perturbed weights of the last `perturb`.
    public func accuracyGradient(_ gradients: [String: [Float]]) -> [Double] {
        zip(tensors, logBounds).enumerated().map { position, pair in
            guard let gradient = gradients[pair.0.name], position < noise.count else { return 0 }
            var sum = 0.0
            let draw = noise[position]
            for index in 0..<min(gradient.count, draw.count) { sum += Double(gradient[index]) * Double(draw[index]) }
            return multiplier * sum * exp(pair.1)
        }
    }

    /// One Adam step on s from the gradients the loop computed at the perturbed weights.
    public func step(gradients: [String: [Float]]) {
        let accuracy = accuracyGradient(gradients)
        stepCount += 1
        let (beta1, beta2) = (0.9, 0.999)
        for position in tensors.indices {
            let rateSlope = tensors[position].rate.derivative(atLogBound: logBounds[position]) / referenceBits
            let gradient = rateSlope + accuracy[position]
            firstMoment[position] = beta1 * firstMoment[position] + (1 - beta1) * gradient
            secondMoment[position] = beta2 * secondMoment[position] + (1 - beta2) * gradient * gradient
            let corrected1 = firstMoment[position] / (1 - pow(beta1, Double(stepCount)))
            let corrected2 = secondMoment[position] / (1 - pow(beta2, Double(stepCount)))
            logBounds[position] -= learningRate * corrected1 / (corrected2.squareRoot() + 1e-12)
            // Keep s inside the measured grid, where the rate model is informative.
            let grid = tensors[position].rate.logBounds
            logBounds[position] = min(max(logBounds[position], grid[0]), grid[grid.count - 1])
        }
    }

    /// Sets μ so that the accuracy term and the rate term start with gradients of comparable
    /// size, the accuracy term's measured at the current bounds on `batches`.
    public func calibrateMultiplier(network: Network, batches: [(images: FloatTensor, labels: [Int])]) throws {
        var accuracyMagnitude = 0.0
        multiplier = 1
        for batch in batches {
            try perturb(network)
            let (_, gradients) = try network.lossAndGradients(images: batch.images, labels: batch.labels)
            try restore(network)
            accuracyMagnitude += accuracyGradient(gradients).reduce(0) { $0 + abs($1) }
        }
        let rateMagnitude = zip(tensors, logBounds).reduce(0) { $0 + abs($1.0.rate.derivative(atLogBound: $1.1)) } / referenceBits
        let mean = accuracyMagnitude / Double(max(batches.count, 1))
        multiplier = mean > 0 ? rateMagnitude / mean : 1
    }

    /// Dual ascent on μ against a measured accuracy drop (percentage points) and its target.
    public func adaptMultiplier(measuredDrop: Double, target: Double) {
        let relative = (measuredDrop - target) / max(target, 0.05)
        multiplier *= exp(0.5 * min(max(relative, -2), 2))
    }

    /// Sets all bounds (absolute, tensor order), e.g. to a verified configuration.
    public func setBounds(_ bounds: [Double]) {
        logBounds = zip(tensors, bounds).map { log(max($1, $0.scale * 1e-6)) }
    }
}
