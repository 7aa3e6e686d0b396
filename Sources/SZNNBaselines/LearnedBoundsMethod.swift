import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner
import SZNNWorkflow

/// Compression-aware training (`train --learn-error-bounds`) as a row of `sz-nn compare`.
///
/// Unlike every other row it retrains: the weights are fine-tuned at the real quantizer's
/// reconstruction while `ErrorBoundTuner` learns their bounds, the best state that met the
/// target is scaled as far as the target allows, and that model is coded as a real `.sznn`
/// file, decoded and measured. The drop is against the uncompressed model compare started
/// from; the network gets its original weights back afterwards, so later rows are unaffected.
public final class LearnedBoundsMethod: CompressionMethod {
    public let name = MethodName.learnErrorBounds
    let training: Dataset
    let makeOptimizer: () -> any Optimizer
    let options: CompressionAwareOptions
    let backend: any EntropyBackend
    let oracle: RateOracle
    /// How the fine-tuning was set up, for the report (e.g. "2 epochs, sgd lr 0.002").
    let description: String

    /// `options` gives the epochs, batch size and seed (its target is replaced per search);
    /// `makeOptimizer` a fresh optimizer for each search.
    public init(training: Dataset, makeOptimizer: @escaping () -> any Optimizer, options: CompressionAwareOptions,
                backend: any EntropyBackend, oracle: @escaping RateOracle, description: String) {
        self.training = training
        self.makeOptimizer = makeOptimizer
        self.options = options
        self.backend = backend
        self.oracle = oracle
        self.description = description
    }

    public func search(target: Double, subject: ComparisonSubject) throws -> Candidate {
        let network = subject.network
        let original = Dictionary(uniqueKeysWithValues: subject.tensors.map { ($0.name, ($0.shape, $0.values)) })
        defer { try? network.loadParameters(original) }
        let tensors = try subject.tunedTensors(oracle: oracle, method: name)
        var options = self.options
        options.targetAccuracyLoss = target
        let trainer = try CompressionAwareTrainer(network: network, training: training, validation: subject.validation, tensors: tensors,
                                                  initialBounds: tensors.map { $0.scale / 4 }, optimizer: makeOptimizer(),
                                                  baselineAccuracy: subject.baselineValidation, options: options, oracle: oracle)
        try trainer.run { state in
            subject.progress("\(self.name.rawValue): epoch \(state.epoch)/\(state.epochs) batch \(state.batch)/\(state.batches)")
        }
        let scaled = try trainer.finishScaled()
        subject.recordEvaluations(trainer.evaluations + (scaled?.evaluations ?? 0))
        guard let scaled else {
            throw SZNNError(.targetUnreachable, "after \(description) even bounds 128× below the learned ones lose more than "
                            + String(format: "%.2f pp", target) + ", on the trained weights and on the starting ones")
        }
        let kept = scaled.keptStartingWeights ? " (starting weights kept: training lost accuracy)" : ""
        var settings = VerifiedCompression.tuningSettings(target: target, tuner: "learn-error-bounds", backend: backend,
                                                          architecture: subject.source?.architectureName ?? network.name)
        settings["training"] = description
        let (bytes, weights) = try CodecRoundTrip.tunedFile(subject, model: try EngineBridge.model(from: network), tensors: scaled.tensors,
                                                            bounds: scaled.bounds, backend: backend, settings: settings)
        let described = zip(scaled.tensors, scaled.bounds).map { "\($0.name) \(String(format: "%.3g", $1))" }.joined(separator: ", ")
        return Candidate(bytes: bytes, weights: weights, validationAccuracy: try subject.validationAccuracy(of: weights),
                         setting: "\(description)\(kept): \(described)")
    }
}
