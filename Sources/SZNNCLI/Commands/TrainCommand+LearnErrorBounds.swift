import Foundation
import SZNNTuner
import SZNNWorkflow

extension TrainCommand {
    /// Compression-aware training: weights and bounds together, then the verified `.sznn`.
    ///
    /// `pretraining` (from scratch only) trains the baseline model first, the usual way.
    func runLearningBounds(settings: TrainingSettings, pretraining: TrainingSettings?, target: Double) throws {
        var options = CompressionAwareOptions(targetAccuracyLoss: target)
        options.epochs = settings.epochs
        options.batchSize = settings.batchSize
        options.seed = settings.seed
        options.maximumBatches = settings.maxBatches
        options.surrogate = surrogate
        options.boundLearningRate = boundLearningRate
        let run = LearnedBoundsRun(architectureURL: URL(fileURLWithPath: model), loadData: dataOptions.load,
                                   weightsURL: weights.map { URL(fileURLWithPath: $0) }, outputURL: URL(fileURLWithPath: output),
                                   settings: settings, pretraining: pretraining, options: options, backend: try backend.make(),
                                   base: try baseOptions.load(), baseNames: baseOptions.names)
        Terminal.log("learning weights and error bounds: \(settings.summary), target \(target) pp")
        let report = try run.run(events: CompressionEvent.draw)
        Terminal.endProgress()
        try report.print(target: target, output: output, json: json)
    }
}
