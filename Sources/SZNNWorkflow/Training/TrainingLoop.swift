import Foundation
import SZNNEngine

/// The epoch loop of `sz-nn train` and of the baseline before compression-aware training.
///
/// It knows no terminal: what happens is told through `Event`s, which the command line draws as
/// a progress line and per-epoch log lines and a library user may ignore or record.
public struct TrainingLoop {
    let network: Network
    let dataset: Dataset
    let validation: Dataset
    let optimizer: any Optimizer
    let settings: TrainingSettings

    public init(network: Network, dataset: Dataset, validation: Dataset,
                optimizer: any Optimizer, settings: TrainingSettings) throws {
        guard dataset.count > 0 else { throw EngineError(.malformedDataset, "the training split is empty") }
        self.network = network
        self.dataset = dataset
        self.validation = validation
        self.optimizer = optimizer
        self.settings = settings
    }

    /// What the loop reports while it runs.
    public enum Event: Sendable {
        /// At most every 0.1 s and after an epoch's last batch: where the run is.
        case batch(epoch: Int, epochs: Int, batch: Int, batches: Int, meanLoss: Double, imagesPerSecond: Double, secondsRemaining: Double)
        /// After each epoch: its mean loss, the validation top-1 (a fraction), the rate it used and its duration.
        case epoch(epoch: Int, epochs: Int, meanLoss: Double, validationAccuracy: Double, learningRate: Double, seconds: Double)
    }

    /// What a run achieved: final validation top-1 and training throughput (steps only).
    public struct Result: Sendable {
        public var validationAccuracy: Double
        public var imagesPerSecond: Double
    }

    /// Trains for `settings.epochs` epochs, telling `events` how it goes.
    public func run(events: (Event) -> Void = { _ in }) throws -> Result {
        // Shuffling has its own stream so changing the architecture does not change the order.
        var generator = RandomGenerator(seed: settings.seed ^ 0x5348_5546_464C_4521)
        var lastReport = Date.distantPast
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
                if now.timeIntervalSince(lastReport) >= 0.1 || index == batches.count - 1 {
                    lastReport = now
                    let done = Double((epoch - 1) * epochImages + seen)
                    let rate = Double(trainedImages + seen) / max(1e-9, trainingSeconds + now.timeIntervalSince(epochStarted))
                    events(.batch(epoch: epoch, epochs: settings.epochs, batch: index + 1, batches: batches.count,
                                  meanLoss: lossSum / Double(seen), imagesPerSecond: rate,
                                  secondsRemaining: (totalImages - done) / max(1e-9, rate)))
                }
            }
            trainedImages += seen
            trainingSeconds += Date().timeIntervalSince(epochStarted)
            accuracy = try network.accuracy(on: validation)
            events(.epoch(epoch: epoch, epochs: settings.epochs, meanLoss: lossSum / Double(max(1, seen)),
                          validationAccuracy: accuracy, learningRate: Double(optimizer.learningRate),
                          seconds: Date().timeIntervalSince(epochStarted)))
            optimizer.learningRate *= settings.learningRateDecay
        }
        return Result(validationAccuracy: accuracy, imagesPerSecond: Double(trainedImages) / max(1e-9, trainingSeconds))
    }
}
