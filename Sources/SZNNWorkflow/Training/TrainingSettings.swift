import Foundation
import SZNNCore
import SZNNEngine

/// The resolved hyperparameters of one training run.
public struct TrainingSettings: Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: OptimizerName
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var learningRateDecay: Float
    public var seed: UInt64
    /// When set, each epoch stops after this many batches.
    public var maxBatches: Int?

    /// Checks values that may have come from the configuration file rather than `validate()`.
    public func validate(configurationName: String) throws {
        func reject(_ key: String, _ requirement: String) -> SZNNError {
            SZNNError(.invalidConfiguration, "\(configurationName): training.\(key) must be \(requirement)",
                      hint: "fix the configuration or pass the matching option")
        }
        if epochs < 1 { throw reject("epochs", "at least 1") }
        if batchSize < 1 { throw reject("batchSize", "at least 1") }
        if !(learningRate > 0) { throw reject("learningRate", "positive") }
        if !(learningRateDecay > 0) { throw reject("learningRateDecay", "positive") }
        if !(momentum >= 0), optimizer == .sgd { throw reject("momentum", "non-negative") }
        if !(weightDecay >= 0) { throw reject("weightDecay", "non-negative") }
    }

    public func makeOptimizer() -> any SZNNEngine.Optimizer {
        switch optimizer {
        case .sgd: SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adam: Adam(learningRate: learningRate, weightDecay: weightDecay)
        }
    }

    /// The hyperparameters of `phase` from the configuration's "training" section alone, then
    /// built-in defaults (SGD, momentum 0.9, batch 64, 10 epochs at 0.01, seed 1).
    public static func configured(_ defaults: TrainingConfiguration?, phase: TrainingPhase) throws -> TrainingSettings {
        let rate = defaults?.learningRate ?? 0.01
        let compressionAware = phase == .compressionAware
        // Compression-aware fine-tuning runs 2 epochs at a fifth of the initial rate, constant:
        // measured on LeNet-5 (4 epochs, 0.5 pp) 59.9× against 51.7× at the rate its schedule
        // ends with (0.00044), which barely moves the weights.
        return TrainingSettings(
            epochs: compressionAware ? 2 : defaults?.epochs ?? 10,
            batchSize: defaults?.batchSize ?? 64,
            optimizer: try OptimizerName.parse(defaults?.optimizer),
            learningRate: compressionAware ? rate / 5 : rate,
            momentum: defaults?.momentum ?? 0.9,
            weightDecay: defaults?.weightDecay ?? 0,
            learningRateDecay: compressionAware ? 1 : defaults?.learningRateDecay ?? 1,
            seed: defaults?.seed ?? 1,
            maxBatches: nil)
    }

    /// One line for logs and the weight file's metadata.
    public var summary: String {
        var parts = ["\(optimizer.rawValue) lr \(String(format: "%g", Double(learningRate)))"]
        if optimizer == .sgd { parts.append("momentum \(momentum)") }
        if weightDecay > 0 { parts.append("weight decay \(weightDecay)") }
        if learningRateDecay != 1 { parts.append("lr decay \(learningRateDecay)/epoch") }
        parts += ["batch \(batchSize)", "\(epochs) epochs", "seed \(seed)"]
        if let maxBatches { parts.append("at most \(maxBatches) batches/epoch") }
        return parts.joined(separator: ", ")
    }
}

/// Which training a set of hyperparameters is for.
public enum TrainingPhase: Sendable {
    /// `train` without --learn-error-bounds.
    case plain
    /// Training the baseline from scratch before compression-aware training: the
    /// configuration's schedule (--epochs and --lr belong to the next phase).
    case baseline
    /// Compression-aware fine-tuning: 2 epochs at a fifth of the configuration's rate, constant.
    case compressionAware
}

/// The optimizers `--optimizer` accepts.
public enum OptimizerName: String, CaseIterable, Sendable {
    case sgd, adam

    /// The name from a configuration file (default `sgd`).
    public static func parse(_ name: String?) throws -> OptimizerName {
        guard let name else { return .sgd }
        guard let value = OptimizerName(rawValue: name) else {
            throw SZNNError(.invalidConfiguration, "training.optimizer '\(name)' is not sgd or adam")
        }
        return value
    }
}
