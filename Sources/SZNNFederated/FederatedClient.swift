import Foundation
import SZNNCore
import SZNNEngine

/// One client: its examples, its batch order, its local optimizer and its upload residual.
struct FederatedClient {
    /// The client's number from 0, for messages.
    let index: Int
    let indices: [Int]
    private var generator: RandomGenerator
    private var order: [Int] = []
    private var position = 0
    /// The client's SGD keeps its momentum across rounds, as a device that stays on would.
    let optimizer: SGD
    var feedback: ErrorFeedback

    init(index: Int, indices: [Int], layout: ParameterLayout, settings: FederatedSettings) {
        self.index = index
        self.indices = indices
        generator = RandomGenerator(seed: settings.seed &+ 0x434C_4945_4E54 &+ UInt64(index))
        optimizer = SGD(learningRate: settings.learningRate, momentum: settings.momentum, weightDecay: settings.weightDecay)
        feedback = ErrorFeedback(layout: layout)
    }

    /// Trains `localSteps` steps from `start` on this client's examples (the shared `network` is
    /// loaded with `start` first) at round `round`'s learning rate; returns weights − start per layer and the steps' mean loss.
    mutating func train(network: Network, from start: [[Float]], layout: ParameterLayout, dataset: Dataset,
                        settings: FederatedSettings, round: Int) throws -> (update: [[Float]], meanLoss: Double) {
        try FederatedAveraging.load(start, into: network, layout: layout)
        optimizer.learningRate = settings.learningRate * pow(settings.learningRateDecay, Float(round - 1))
        var lossSum = 0.0
        for _ in 0..<settings.localSteps {
            let (images, labels) = dataset.batch(indices: nextBatch(size: settings.batchSize))
            let loss = try network.trainingStep(images: images, labels: labels, optimizer: optimizer)
            guard loss.isFinite else {
                throw SZNNError(.invalidArgument, "client \(index + 1)'s loss diverged (\(loss))", hint: "lower --lr or --local-steps")
            }
            lossSum += Double(loss)
        }
        let update = try zip(layout.names, start).map { name, before in zip(try network.values(of: name), before).map { $0 - $1 } }
        return (update, lossSum / Double(settings.localSteps))
    }

    /// The next `size` examples of a shuffled pass over the client's indices, reshuffled at each pass.
    private mutating func nextBatch(size: Int) -> [Int] {
        var batch: [Int] = []
        while batch.count < min(size, indices.count) {
            if position == order.count {
                order = indices
                generator.shuffle(&order)
                position = 0
            }
            batch.append(order[position])
            position += 1
        }
        return batch
    }
}
