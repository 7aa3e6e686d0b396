import ArgumentParser
import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner
import SZNNWorkflow

/// `sz-nn train`: trains a network from a JSON architecture on --data (MNIST by default) and saves its weights.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network (JSON architecture) on MNIST or a .npz and save its weights.",
        discussion: HelpExamples.discussion("""
        Options left out take the values of the configuration's "training" section, then the \
        built-in defaults. Trains on the training split of --data (MNIST: the first 55,000 \
        training images; a .npz: x_train/y_train, which plain training requires), reports top-1 \
        accuracy on the validation split after every epoch, and writes the final weights \
        (float32, BatchNorm running statistics included) atomically.

        With --learn-error-bounds --target-acc-loss P, the weights and one error bound per \
        weight tensor learn together (compression-aware training): every step runs the network \
        at its compressed surrogate (--surrogate), the optimizer moves the weights and gradient \
        descent moves ln(bound) against size + μ·loss, with μ set by real evaluations. The best \
        state that met the target is scaled as far as the target allows and written to OUTPUT \
        (.sznn), verified as compress --target-acc-loss does. The drop is measured against \
        --weights, fine-tuned for --epochs (default 2) at --lr (default: a fifth of the \
        configuration's initial rate); without --weights the model is first trained the usual \
        way (the configuration's epochs and rates) and the drop is measured against it. If \
        training loses accuracy that no bound gives back (a small training set the model has \
        memorised), the file keeps the starting weights with the learned bounds scaled, and says so.

        With --base as well, OUTPUT is an update of the base (decoded with decompress --base): \
        --weights is then the new model, fine-tuned from the base, and the bounds are learned on \
        each tensor's difference from the base, which is what the update codes. The drop is \
        measured against the new model.
        """, examples: [
            ("train LeNet-5 on MNIST", "sz-nn train --model Configs/models/lenet5.json -o lenet5.safetensors"),
            ("one more epoch of trained weights (fine-tuning, e.g. the new model of an update)", "sz-nn train --model Configs/models/lenet5.json --weights lenet5.safetensors --epochs 1 --lr 3.5e-4 -o lenet5-ft.safetensors"),
            ("learn weights and bounds together, then write the tuned file", "sz-nn train --model Configs/models/lenet5.json --weights lenet5.safetensors \\\n      --learn-error-bounds --target-acc-loss 0.5 -o lenet5.sznn"),
            ("learn an update of a base for a model fine-tuned from it (decoded with decompress --base)", "sz-nn train --model Configs/models/lenet5.json --weights lenet5-ft.safetensors \\\n      --base lenet5.safetensors --learn-error-bounds --target-acc-loss 0.1 -o update.sznn"),
        ]))

    @Option(name: .long, help: "The architecture: a .json configuration (e.g. Configs/models/lenet5.json, trained from seeded initial weights) or an .onnx model (trained from its own weights).")
    var model: String

    /// The training and validation examples; plain training needs labels and a training split.
    @OptionGroup var dataOptions: DataOptions

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

    @Option(name: .long, parsing: .unconditional, help: "OpenBLAS and codec threads (default: the machine's cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: ArgumentHelp(
        "Stop each epoch after this many batches (smoke tests and benchmarks).", visibility: .hidden))
    var maxBatches: Int?

    @Option(name: [.short, .customLong("output")], help: "Where to write the weights (.safetensors or .npz; .sznn with --learn-error-bounds).")
    var output: String

    @Flag(name: .long, help: "Learn the weights and their error bounds together and write a compressed .sznn (needs --target-acc-loss).")
    var learnErrorBounds = false

    @Option(name: .long, parsing: .unconditional, help: "With --learn-error-bounds: the largest validation top-1 drop, in percentage points.")
    var targetAccLoss: Double?

    @Option(name: .long, help: "Start from these weights (.safetensors, .npz or .sznn) instead of from scratch: fine-tuning (with a .json --model).")
    var weights: String?

    @Option(name: .long, help: "With --learn-error-bounds: the error model trained against: quantization (the real quantizer's error, as quantization-aware training) or uniform (e·U noise).")
    var surrogate: ErrorBoundTuner.Surrogate = .quantizationError

    @Option(name: .long, parsing: .unconditional, help: "With --learn-error-bounds: Adam's step size on ln(error bound) per step.")
    var boundLearningRate: Double = 0.02

    @OptionGroup var backend: BackendOptions

    /// With --learn-error-bounds and --weights: the model the output is an update of.
    @OptionGroup var baseOptions: BaseOptions

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
            if baseOptions.isSpecified, weights == nil {
                throw ValidationError("--base needs --weights: the new model, fine-tuned from the base, that the update ships")
            }
            let outputURL = URL(fileURLWithPath: output).standardizedFileURL
            guard !baseOptions.base.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL == outputURL }) else {
                throw ValidationError("the output would overwrite a --base file; choose another -o")
            }
        } else {
            if targetAccLoss != nil || json || baseOptions.isSpecified {
                throw ValidationError("--target-acc-loss, --json and --base go with --learn-error-bounds")
            }
            if let weights, URL(fileURLWithPath: weights).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL {
                throw ValidationError("the output would overwrite --weights; choose another -o")
            }
            guard ModelFile.writableExtensions.contains(outputExtension) else {
                throw ValidationError("--output must end in .\(ModelFile.writableExtensions.joined(separator: " or ."))")
            }
        }
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        ParallelMap.threadCount = threads
        let modelURL = URL(fileURLWithPath: model)
        let isGraph = ModelLoader.carriesGraph(modelURL)
        let defaults = isGraph ? nil : try EngineBridge.translatingErrors { try NetworkConfiguration.load(from: modelURL) }.training
        let name = modelURL.lastPathComponent
        if learnErrorBounds, let targetAccLoss {
            // An ONNX model brings its own trained weights: nothing to pre-train.
            return try runLearningBounds(settings: try resolvedSettings(defaults, configurationName: name, phase: .compressionAware),
                                         pretraining: weights == nil && !isGraph ? try resolvedSettings(defaults, configurationName: name, phase: .baseline) : nil,
                                         target: targetAccLoss)
        }
        let settings = try resolvedSettings(defaults, configurationName: name, phase: .plain)
        // --weights fine-tunes (one more epoch of a trained model, the base of an update); an ONNX model brings its own.
        let weightsURL = weights.map { URL(fileURLWithPath: $0) }
        let sourceModel = try weightsURL.map { try ModelLoader.load($0) } ?? (isGraph ? try ModelFile.read(from: modelURL) : nil)
        let network = try EngineBridge.network(architecture: modelURL, weights: sourceModel,
                                               weightsName: weightsURL?.lastPathComponent ?? name, seed: settings.seed)
        let source = try dataOptions.load()
        guard source.hasLabels, source.hasTrainingSplit else {
            throw SZNNError(.malformedDataset,
                            "'\(source.description.source)' has no labelled training split: plain training needs x_train and y_train (and y for every split)",
                            hint: "add them to the .npz; unlabelled data works only with --learn-error-bounds --weights")
        }
        let examples = try source.labelled(for: network)
        let optimizer = settings.makeOptimizer()
        Terminal.log("training \(network.name) (\(network.trainableParameterCount) parameters) "
            + "on \(examples.training.count) images: \(settings.summary), \(threads) thread(s)")

        let trainer = try EngineBridge.translatingErrors {
            try TrainingLoop(network: network, dataset: examples.training, validation: examples.validation,
                             optimizer: optimizer, settings: settings)
        }
        let started = Date()
        let result = try EngineBridge.translatingErrors { try trainer.run(events: TrainingLoop.terminalEvents) }
        let seconds = Date().timeIntervalSince(started)

        let metadata = [
            "trained_by": "sz-nn train", "sz-nn_version": SZNNCommand.toolVersion,
            "training": settings.summary, "validation_top1": String(format: "%.4f", result.validationAccuracy),
        ]
        let outputURL = URL(fileURLWithPath: output)
        try ModelFile.write(try EngineBridge.model(from: network, metadata: metadata, basedOn: sourceModel), to: outputURL)
        print("trained \(network.name) in \(Format.number(seconds, digits: 1)) s "
            + "(\(Format.number(result.imagesPerSecond, digits: 0)) training images/s): "
            + "validation top-1 \(Format.number(result.validationAccuracy * 100)) %, weights written to \(outputURL.path)")
    }
}

extension TrainCommand {
    /// The hyperparameters of `phase`: the options given, then the configuration's
    /// "training" section, then built-in defaults.
    func resolvedSettings(_ defaults: TrainingConfiguration?, configurationName: String, phase: TrainingPhase) throws -> TrainingSettings {
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

extension OptimizerName: ExpressibleByArgument {}
