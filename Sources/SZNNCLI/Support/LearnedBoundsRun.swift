import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner
import SZNNWorkflow

/// `train --learn-error-bounds`: train the weights and their bounds together, then tune the
/// learned bounds to the target for real, compress, verify and write the `.sznn`.
///
/// The drop is measured against an uncompressed model trained the usual way: `--weights`, or,
/// from scratch, the model `pretraining` trains first (what would otherwise be shipped).
struct LearnedBoundsRun {
    let architectureURL: URL
    let data: DataOptions
    /// The weights to start from; nil trains from the configuration's seeded initialisation.
    let weightsURL: URL?
    let outputURL: URL
    /// The compression-aware phase's hyperparameters.
    let settings: TrainingSettings
    /// From scratch: the usual training that makes the baseline model; nil with `weightsURL`.
    let pretraining: TrainingSettings?
    let options: CompressionAwareOptions
    let backend: any EntropyBackend

    func run() throws -> TuningRun.Report {
        try OutputPath.checkWritable(outputURL.path)
        let started = Date()
        let sourceBytes = try weightsURL.map(ModelLoader.readBytes)
        // The weights to start from: --weights, else an ONNX --model's own; a .json alone starts from seeded values.
        var sourceModel = try weightsURL.map { try ModelLoader.load($0) }
        if ModelLoader.carriesGraph(architectureURL) {
            let onnx = try ModelFile.read(from: architectureURL)
            sourceModel = Model(tensors: sourceModel?.tensors ?? onnx.tensors, metadata: onnx.metadata, graph: onnx.graph)
        }
        let network = try EngineBridge.network(architecture: architectureURL, weights: sourceModel,
                                               weightsName: (weightsURL ?? architectureURL).lastPathComponent, seed: settings.seed)
        let source = try data.load()
        if pretraining != nil {
            guard source.hasLabels, source.hasTrainingSplit else {
                throw SZNNError(.malformedDataset, "training from scratch needs labelled training examples, which '\(source.description.source)' lacks",
                                hint: "give --weights to start from, or a .npz with x_train and y_train (and y for every split)")
            }
        }
        let examples = try source.labelled(for: network)
        if let pretraining {
            Terminal.log("training the baseline model: \(pretraining.summary)")
            let loop = try EngineBridge.translatingErrors {
                try TrainingLoop(network: network, dataset: examples.training, validation: examples.validation,
                                 optimizer: pretraining.makeOptimizer(), settings: pretraining)
            }
            _ = try EngineBridge.translatingErrors { try loop.run(events: TrainingLoop.terminalEvents) }
        }
        let baseline = try EngineBridge.translatingErrors { (try network.accuracy(on: examples.validation), try network.accuracy(on: examples.test)) }
        let oracle = Backends.tensorRateFunction(of: backend)
        let startModel = try EngineBridge.model(from: network, basedOn: sourceModel?.graph == nil ? nil : sourceModel)
        let plan = CompressionPlan(defaultRule: .init())
        let names = TunedTensorSelection.names(of: startModel, trainable: Set(network.trainableParameters.map(\.name)), plan: plan)
        let tensors = try TunedTensorSelection.measure(startModel, names: names, oracle: oracle, progress: Terminal.progress)
        let trainer = try CompressionAwareTrainer(
            network: network, training: examples.training, validation: examples.validation, tensors: tensors,
            initialBounds: tensors.map { $0.scale / 4 }, optimizer: settings.makeOptimizer(),
            baselineAccuracy: baseline.0, options: options, oracle: oracle)
        let trainingStarted = Date()
        try EngineBridge.translatingErrors {
            try trainer.run { state in
                let drop = state.lastDrop.map { String(format: "%.2f pp", $0) } ?? "-"
                Terminal.progress(String(format: "training weights and bounds: epoch %d/%d  batch %d/%d  loss %.4f  est. ",
                                         state.epoch, state.epochs, state.batch, state.batches, state.loss)
                                  + "\(Format.bytes(Int(state.estimatedBits / 8)))  last drop \(drop)  "
                                  + Format.eta(started: trainingStarted, done: (state.epoch - 1) * state.batches + state.batch,
                                               total: state.epochs * state.batches))
            }
        }

        Terminal.progress("scaling the learned bounds")
        guard let learned = try EngineBridge.translatingErrors({ try trainer.finishScaled() }) else {
            throw SZNNError(.targetUnreachable, String(format: "after compression-aware training even bounds 128× below the learned ones lose more than %.2f pp of validation accuracy", options.targetAccuracyLoss),
                            hint: "train longer (--epochs), lower --lr, or raise --target-acc-loss")
        }
        let bounds = learned.bounds
        let outcome = TuningOutcome(bounds: bounds, baselineAccuracy: baseline.0, compressedAccuracy: baseline.0 - learned.drop / 100,
                                    estimatedBits: zip(learned.tensors, bounds).reduce(0) { $0 + $1.0.rate.bits(atLogBound: log($1.1)) },
                                    evaluations: learned.evaluations)
        let settingsMetadata: [String: Any] = [
            "target_acc_loss": options.targetAccuracyLoss, "tuner": "learn-error-bounds", "training": settings.summary,
            "backend": backend.identifier.name, "architecture": architectureURL.lastPathComponent,
        ]
        let output = VerifiedOutput(network: network, data: examples, backend: backend, plan: plan, outputURL: outputURL,
                                    targetAccuracyLoss: options.targetAccuracyLoss)
        return try output.write(try EngineBridge.model(from: network, basedOn: sourceModel?.graph == nil ? nil : sourceModel), tensors: learned.tensors, outcome: outcome,
                                originalTest: baseline.1, started: started,
                                metadata: VerifiedOutput.metadata(source: weightsURL, sourceBytes: sourceBytes, settings: settingsMetadata),
                                extraEvaluations: trainer.evaluations)
    }
}
