import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner

/// `train --learn-error-bounds` as a library call: train the weights and their bounds together, then tune the
/// learned bounds to the target for real, compress, verify and write the `.sznn`.
///
/// The drop is measured against an uncompressed model trained the usual way: `--weights`, or,
/// from scratch, the model `pretraining` trains first (what would otherwise be shipped).
/// With `base`, the file is an update of it: `weightsURL` is the new model (fine-tuned from the
/// base) and the bounds are learned on each tensor's difference from the base, which is what a
/// delta record codes. Starting from the base itself would be pointless: measured against
/// itself, the base is the smallest update that meets any target.
public struct LearnedBoundsRun {
    public let architectureURL: URL
    /// Reads the examples (labelled or not; they are labelled for the network once it is built).
    public let loadData: () throws -> DataSource
    /// The weights to start from; nil trains from the configuration's seeded initialisation.
    public let weightsURL: URL?
    public let outputURL: URL
    /// The compression-aware phase's hyperparameters.
    public let settings: TrainingSettings
    /// From scratch: the usual training that makes the baseline model; nil with `weightsURL`.
    public let pretraining: TrainingSettings?
    public let options: CompressionAwareOptions
    public let backend: any EntropyBackend
    /// The model the output is an update of (nil: standalone), and the names of the files it came from.
    public let base: Model?
    public let baseNames: [String]

    public init(architectureURL: URL, loadData: @escaping () throws -> DataSource, weightsURL: URL?, outputURL: URL,
                settings: TrainingSettings, pretraining: TrainingSettings?, options: CompressionAwareOptions, backend: any EntropyBackend,
                base: Model? = nil, baseNames: [String] = []) {
        self.architectureURL = architectureURL
        self.loadData = loadData
        self.weightsURL = weightsURL
        self.outputURL = outputURL
        self.settings = settings
        self.pretraining = pretraining
        self.options = options
        self.backend = backend
        self.base = base
        self.baseNames = baseNames
    }

    /// Trains, tunes the learned bounds to the target, compresses, verifies and writes.
    public func run(events: (CompressionEvent) -> Void = { _ in }) throws -> CompressionReport {
        try OutputPath.checkWritable(outputURL.path)
        let started = Date()
        let sourceBytes = try weightsURL.map(ModelLoader.readBytes)
        guard base == nil || weightsURL != nil else {
            throw SZNNError(.invalidArgument, "an update is learned from the new model, and no weights were given beside the base",
                            hint: "fine-tune the base first (sz-nn train --weights BASE -o new.safetensors), then pass --weights new.safetensors")
        }
        // The weights to start from: --weights, else an ONNX --model's own; a .json alone starts from seeded values.
        var sourceModel = try weightsURL.map { try ModelLoader.load($0) }
        if ModelLoader.carriesGraph(architectureURL) {
            let onnx = try ModelFile.read(from: architectureURL)
            sourceModel = Model(tensors: sourceModel?.tensors ?? onnx.tensors, metadata: onnx.metadata, graph: onnx.graph)
        }
        let network = try EngineBridge.network(architecture: architectureURL, weights: sourceModel,
                                               weightsName: (weightsURL ?? architectureURL).lastPathComponent, seed: settings.seed)
        let source = try loadData()
        if pretraining != nil {
            guard source.hasLabels, source.hasTrainingSplit else {
                throw SZNNError(.malformedDataset, "training from scratch needs labelled training examples, which '\(source.description.source)' lacks",
                                hint: "give --weights to start from, or a .npz with x_train and y_train (and y for every split)")
            }
        }
        let examples = try source.labelled(for: network)
        if let pretraining {
            events(.log("training the baseline model: \(pretraining.summary)"))
            let loop = try EngineBridge.translatingErrors {
                try TrainingLoop(network: network, dataset: examples.training, validation: examples.validation,
                                 optimizer: pretraining.makeOptimizer(), settings: pretraining)
            }
            _ = try EngineBridge.translatingErrors { try loop.run { events(.training($0)) } }
        }
        let baseline = try EngineBridge.translatingErrors { (try network.accuracy(on: examples.validation), try network.accuracy(on: examples.test)) }
        let oracle = Backends.tensorRateFunction(of: backend)
        let startModel = try EngineBridge.model(from: network, basedOn: sourceModel?.graph == nil ? nil : sourceModel)
        let plan = CompressionPlan(defaultRule: .init())
        let names = TunedTensorSelection.names(of: startModel, trainable: Set(network.trainableParameters.map(\.name)), plan: plan)
        let tensors = try TunedTensorSelection.measure(startModel, names: names, oracle: oracle, base: base, progress: { events(.phase($0)) })
        let trainer = try CompressionAwareTrainer(
            network: network, training: examples.training, validation: examples.validation, tensors: tensors,
            initialBounds: tensors.map { $0.scale / 4 }, optimizer: settings.makeOptimizer(),
            baselineAccuracy: baseline.0, options: options, oracle: oracle)
        let trainingStarted = Date()
        try EngineBridge.translatingErrors {
            try trainer.run { events(.compressionAwareTraining($0, started: trainingStarted)) }
        }

        events(.phase("scaling the learned bounds"))
        guard let learned = try EngineBridge.translatingErrors({ try trainer.finishScaled() }) else {
            throw SZNNError(.targetUnreachable, String(format: "even bounds 128× below the learned ones lose more than %.2f pp of validation accuracy, on the trained weights and on the starting ones", options.targetAccuracyLoss),
                            hint: "raise --target-acc-loss, or try compress --target-acc-loss on the starting weights")
        }
        if learned.keptStartingWeights {
            events(.log("compression-aware training lost accuracy that no bound gives back: the file keeps the starting weights, with the learned bounds scaled to the target"))
        }
        let bounds = learned.bounds
        let outcome = TuningOutcome(bounds: bounds, baselineAccuracy: baseline.0, compressedAccuracy: baseline.0 - learned.drop / 100,
                                    estimatedBits: zip(learned.tensors, bounds).reduce(0) { $0 + $1.0.rate.bits(atLogBound: log($1.1)) },
                                    evaluations: learned.evaluations)
        var settingsMetadata = VerifiedCompression.tuningSettings(target: options.targetAccuracyLoss, tuner: "learn-error-bounds", backend: backend,
                                                                  architecture: architectureURL.lastPathComponent)
        settingsMetadata["training"] = settings.summary + (learned.keptStartingWeights ? "; starting weights kept (training lost accuracy)" : "")
        let output = VerifiedWrite(network: network, data: examples, compression: VerifiedCompression(plan: plan, backend: backend, base: base),
                                   outputURL: outputURL, targetAccuracyLoss: options.targetAccuracyLoss)
        var metadata = VerifiedCompression.metadata(source: weightsURL, sourceBytes: sourceBytes, settings: settingsMetadata)
        if base != nil { metadata["base_names"] = baseNames }
        return try output.write(try EngineBridge.model(from: network, basedOn: sourceModel?.graph == nil ? nil : sourceModel), tensors: learned.tensors, outcome: outcome,
                                originalTest: baseline.1, started: started, metadata: metadata,
                                extraEvaluations: trainer.evaluations, events: events)
    }
}
