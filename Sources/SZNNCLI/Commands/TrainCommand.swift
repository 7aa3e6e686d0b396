import ArgumentParser
import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner

/// `sz-nn train`: trains a network from a JSON architecture on MNIST and saves its weights.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network (JSON architecture) on MNIST and save its weights.",
        discussion: """
        Options left out take the values of the configuration's "training" section, then the \
        built-in defaults. Trains on the first 55,000 training images, reports top-1 accuracy \
        on the last 5,000 (validation) after every epoch, and writes the final weights \
        (float32, BatchNorm running statistics included) atomically.

        With --learn-error-bounds --target-acc-loss P, the weights and one error bound per \
        weight tensor learn together (compression-aware training): every step runs the network \
        at its compressed surrogate (--surrogate), the optimizer moves the weights and gradient \
        descent moves ln(bound) against size + μ·loss, with μ set by real evaluations. The best \
        state that met the target is scaled as far as the target allows and written to OUTPUT \
        (.sznn), verified as compress --target-acc-loss does. The drop is measured against \
        --weights, fine-tuned for --epochs (default 2) at --lr (default: a fifth of the \
        configuration's initial rate); without --weights the model is first trained the usual \
        way (the configuration's epochs and rates) and the drop is measured against it.
        """)

    @Option(name: .long, help: "The architecture file, e.g. Configs/models/lenet5.json.")
    var model: String

    @Option(name: .long, help: "Folder with the four MNIST .gz files.")
    var data: String = "Data/mnist"

    @Option(name: .long, parsing: .unconditional, help: "Number of passes over the training split.")
    var epochs: Int?

    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Initial learning rate.")
    var learningRate: Float?

    @Option(name: .long, parsing: .unconditional, help: "Images per optimisation step.")
    var batchSize: Int?

    @Option(name: .long, help: "Optimizer: sgd (with momentum) or adam.")
    var optimizer: OptimizerName?

    @Option(name: .long, parsing: .unconditional, help: "SGD momentum.")
    var momentum: Float?

    @Option(name: .long, parsing: .unconditional, help: "L2 weight decay.")
    var weightDecay: Float?

    @Option(name: .customLong("lr-decay"), parsing: .unconditional, help: "Factor applied to the learning rate after each epoch.")
    var learningRateDecay: Float?

    @Option(name: .long, help: "Seed for initialisation, shuffling and dropout.")
    var seed: UInt64?

    @Option(name: .long, parsing: .unconditional, help: "OpenBLAS threads.")
    var threads: Int = 2

    @Option(name: .long, help: ArgumentHelp(
        "Stop each epoch after this many batches (smoke tests and benchmarks).", visibility: .hidden))
    var maxBatches: Int?

    @Option(name: [.short, .customLong("output")], help: "Where to write the weights (.safetensors or .npz; .sznn with --learn-error-bounds).")
    var output: String

    @Flag(name: .long, help: "Learn the weights and their error bounds together and write a compressed .sznn (needs --target-acc-loss).")
    var learnErrorBounds = false

    @Option(name: .long, parsing: .unconditional, help: "With --learn-error-bounds: the largest validation top-1 drop, in percentage points.")
    var targetAccLoss: Double?

    @Option(name: .long, help: "With --learn-error-bounds: start from these weights (.safetensors, .npz or .sznn) instead of from scratch.")
    var weights: String?

    @Option(name: .long, help: "With --learn-error-bounds: the error model trained against: quantization (the real quantizer's error, as quantization-aware training) or uniform (e·U noise).")
    var surrogate: ErrorBoundTuner.Surrogate = .quantizationError

    @Option(name: .long, parsing: .unconditional, help: "With --learn-error-bounds: Adam's step size on ln(error bound) per step.")
    var boundLearningRate: Double = 0.02

    @OptionGroup var backend: BackendOptions

    @Flag(name: .long, help: "With --learn-error-bounds: print the report as JSON (the same as compress --target-acc-loss --json).")
    var json = false

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let learningRate, !(learningRate > 0) { throw ValidationError("--lr must be positive") }
        if let learningRateDecay, !(learningRateDecay > 0) { throw ValidationError("--lr-decay must be positive") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let maxBatches, maxBatches < 1 { throw ValidationError("--max-batches must be at least 1") }
        let outputExtension = URL(fileURLWithPath: output).pathExtension.lowercased()
        if learnErrorBounds {
            guard let targetAccLoss else { throw ValidationError("--learn-error-bounds needs --target-acc-loss") }
            guard targetAccLoss >= 0, targetAccLoss < 100 else {
                throw ValidationError("--target-acc-loss is in percentage points and must be in [0, 100); got \(targetAccLoss)")
            }
            guard boundLearningRate > 0, boundLearningRate.isFinite else { throw ValidationError("--bound-learning-rate must be positive") }
            guard outputExtension == "sznn" else { throw ValidationError("with --learn-error-bounds, --output must end in .sznn") }
            if let weights, URL(fileURLWithPath: weights).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL {
                throw ValidationError("the output would overwrite --weights; choose another -o")
            }
        } else {
            if targetAccLoss != nil || weights != nil || json {
                throw ValidationError("--target-acc-loss, --weights and --json go with --learn-error-bounds")
            }
            guard ModelFile.writableExtensions.contains(outputExtension) else {
                throw ValidationError("--output must end in .\(ModelFile.writableExtensions.joined(separator: " or ."))")
            }
        }
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        let modelURL = URL(fileURLWithPath: model)
        let defaults = try EngineBridge.translatingErrors { try NetworkConfiguration.load(from: modelURL) }.training
        let name = modelURL.lastPathComponent
        if learnErrorBounds, let targetAccLoss {
            return try runLearningBounds(settings: try resolvedSettings(defaults, configurationName: name, phase: .compressionAware),
                                         pretraining: weights == nil ? try resolvedSettings(defaults, configurationName: name, phase: .baseline) : nil,
                                         target: targetAccLoss)
        }
        let settings = try resolvedSettings(defaults, configurationName: name, phase: .plain)
        let network = try EngineBridge.makeNetwork(configurationAt: modelURL, seed: settings.seed)
        let mnist = try EngineBridge.loadMNIST(from: URL(fileURLWithPath: data))
        let optimizer = settings.makeOptimizer()
        Terminal.log("training \(network.configuration.name) (\(network.trainableParameterCount) parameters) "
            + "on \(mnist.train.count) images: \(settings.summary), \(threads) thread(s)")

        let trainer = try EngineBridge.translatingErrors {
            try TrainingLoop(network: network, dataset: mnist.train, validation: mnist.validation,
                             optimizer: optimizer, settings: settings)
        }
        let started = Date()
        let result = try EngineBridge.translatingErrors { try trainer.run() }
        let seconds = Date().timeIntervalSince(started)

        let metadata = [
            "trained_by": "sz-nn train", "sz-nn_version": SZNNCommand.toolVersion,
            "training": settings.summary, "validation_top1": String(format: "%.4f", result.validationAccuracy),
        ]
        let outputURL = URL(fileURLWithPath: output)
        try ModelFile.write(try EngineBridge.model(from: network, metadata: metadata), to: outputURL)
        print("trained \(network.configuration.name) in \(Format.number(seconds, digits: 1)) s "
            + "(\(Format.number(result.imagesPerSecond, digits: 0)) training images/s): "
            + "validation top-1 \(Format.number(result.validationAccuracy * 100)) %, weights written to \(outputURL.path)")
    }
}

extension TrainCommand {
    /// Which training a set of hyperparameters is for.
    enum Phase {
        /// `train` without --learn-error-bounds.
        case plain
        /// Training the baseline from scratch before compression-aware training: the
        /// configuration's schedule (--epochs and --lr belong to the next phase).
        case baseline
        /// Compression-aware fine-tuning: 2 epochs at a fifth of the configuration's rate, constant.
        case compressionAware
    }

    /// The hyperparameters of `phase`: the options given, then the configuration's
    /// "training" section, then built-in defaults.
    func resolvedSettings(_ defaults: TrainingConfiguration?, configurationName: String, phase: Phase) throws -> TrainingSettings {
        var settings = try TrainingSettings.configured(defaults, phase: phase)
        // The baseline's schedule is the configuration's: --epochs and --lr belong to the next phase.
        if phase != .baseline {
            if let epochs { settings.epochs = epochs }
            if let learningRate { settings.learningRate = learningRate }
            if let learningRateDecay { settings.learningRateDecay = learningRateDecay }
        }
        if let batchSize { settings.batchSize = batchSize }
        if let optimizer { settings.optimizer = optimizer }
        if let momentum { settings.momentum = momentum }
        if let weightDecay { settings.weightDecay = weightDecay }
        if let seed { settings.seed = seed }
        settings.maxBatches = maxBatches
        try settings.validate(configurationName: configurationName)
        return settings
    }
}

/// The optimizers `--optimizer` accepts.
enum OptimizerName: String, ExpressibleByArgument, CaseIterable, Sendable {
    case sgd, adam

    /// The name from a configuration file (default `sgd`).
    static func parse(_ name: String?) throws -> OptimizerName {
        guard let name else { return .sgd }
        guard let value = OptimizerName(rawValue: name) else {
            throw SZNNError(.invalidConfiguration, "training.optimizer '\(name)' is not sgd or adam")
        }
        return value
    }
}

/// The resolved hyperparameters of one training run.
struct TrainingSettings: Sendable {
    var epochs: Int
    var batchSize: Int
    var optimizer: OptimizerName
    var learningRate: Float
    var momentum: Float
    var weightDecay: Float
    var learningRateDecay: Float
    var seed: UInt64
    /// When set, each epoch stops after this many batches.
    var maxBatches: Int?

    /// Checks values that may have come from the configuration file rather than `validate()`.
    func validate(configurationName: String) throws {
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

    func makeOptimizer() -> any SZNNEngine.Optimizer {
        switch optimizer {
        case .sgd: SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adam: Adam(learningRate: learningRate, weightDecay: weightDecay)
        }
    }

    /// The hyperparameters of `phase` from the configuration's "training" section alone, then
    /// built-in defaults (SGD, momentum 0.9, batch 64, 10 epochs at 0.01, seed 1).
    static func configured(_ defaults: TrainingConfiguration?, phase: TrainCommand.Phase) throws -> TrainingSettings {
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
    var summary: String {
        var parts = ["\(optimizer.rawValue) lr \(String(format: "%g", Double(learningRate)))"]
        if optimizer == .sgd { parts.append("momentum \(momentum)") }
        if weightDecay > 0 { parts.append("weight decay \(weightDecay)") }
        if learningRateDecay != 1 { parts.append("lr decay \(learningRateDecay)/epoch") }
        parts += ["batch \(batchSize)", "\(epochs) epochs", "seed \(seed)"]
        if let maxBatches { parts.append("at most \(maxBatches) batches/epoch") }
        return parts.joined(separator: ", ")
    }
}

/// The epoch loop of `sz-nn train`, with a progress line on standard error.
///
/// Lives in the CLI because it draws on the terminal; the engine supplies the steps.
struct TrainingLoop {
    let network: Network
    let dataset: Dataset
    let validation: Dataset
    let optimizer: any SZNNEngine.Optimizer
    let settings: TrainingSettings

    init(network: Network, dataset: Dataset, validation: Dataset,
         optimizer: any SZNNEngine.Optimizer, settings: TrainingSettings) throws {
        guard dataset.count > 0 else { throw EngineError(.malformedDataset, "the training split is empty") }
        self.network = network
        self.dataset = dataset
        self.validation = validation
        self.optimizer = optimizer
        self.settings = settings
    }

    /// What a run achieved: final validation top-1 and training throughput (steps only).
    struct Result {
        var validationAccuracy: Double
        var imagesPerSecond: Double
    }

    /// Trains for `settings.epochs` epochs.
    func run() throws -> Result {
        // Shuffling has its own stream so changing the architecture does not change the order.
        var generator = RandomGenerator(seed: settings.seed ^ 0x5348_5546_464C_4521)
        var lastDraw = Date.distantPast
        var accuracy = 0.0
        var trainedImages = 0
        var trainingSeconds = 0.0
        for epoch in 1...settings.epochs {
            let epochStarted = Date()
            var batches = dataset.shuffledBatches(batchSize: settings.batchSize, generator: &generator)
            if let maxBatches = settings.maxBatches { batches = Array(batches.prefix(maxBatches)) }
            let epochImages = batches.reduce(0) { $0 + $1.count }
            let totalImages = Double(epochImages * settings.epochs)
            var lossSum = 0.0
            var seen = 0
            for (index, batch) in batches.enumerated() {
                let (images, labels) = dataset.batch(indices: batch)
                let loss = try network.trainingStep(images: images, labels: labels, optimizer: optimizer)
                guard loss.isFinite else {
                    throw EngineError(.invalidArgument,
                                      "the loss diverged (\(loss)) in epoch \(epoch), batch \(index + 1); lower --lr")
                }
                lossSum += Double(loss) * Double(batch.count)
                seen += batch.count
                let now = Date()
                if now.timeIntervalSince(lastDraw) >= 0.1 || index == batches.count - 1 {
                    lastDraw = now
                    let done = Double((epoch - 1) * epochImages + seen)
                    let rate = Double(trainedImages + seen) / max(1e-9, trainingSeconds + now.timeIntervalSince(epochStarted))
                    Terminal.progress(String(
                        format: "epoch %d/%d  batch %d/%d  loss %.4f  %.0f img/s  ETA ",
                        epoch, settings.epochs, index + 1, batches.count, lossSum / Double(seen), rate)
                        + Format.clock((totalImages - done) / max(1e-9, rate)))
                }
            }
            trainedImages += seen
            trainingSeconds += Date().timeIntervalSince(epochStarted)
            accuracy = try network.accuracy(on: validation)
            Terminal.endProgress()
            Terminal.log(String(
                format: "epoch %d/%d: loss %.4f, validation top-1 %.2f %%, lr %g, %.1f s",
                epoch, settings.epochs, lossSum / Double(max(1, seen)), accuracy * 100,
                Double(optimizer.learningRate), Date().timeIntervalSince(epochStarted)))
            optimizer.learningRate *= settings.learningRateDecay
        }
        return Result(validationAccuracy: accuracy, imagesPerSecond: Double(trainedImages) / max(1e-9, trainingSeconds))
    }

}
