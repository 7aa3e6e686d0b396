import Foundation
import Testing
@testable import SZNNEngine

/// Whole-dataset inference: batches over network copies, the prediction-only layer paths.
struct EvaluationTests {
    static let configuration = NetworkConfiguration(
        name: "small-cnn", input: [1, 10, 10],
        layers: [
            LayerConfiguration(type: "conv2d", name: "conv1", outputChannels: 4, kernelSize: 3, padding: 1),
            LayerConfiguration(type: "relu"),
            LayerConfiguration(type: "maxpool2d", kernelSize: 2),
            LayerConfiguration(type: "conv2d", name: "conv2", outputChannels: 6, kernelSize: 3),
            LayerConfiguration(type: "flatten"),
            LayerConfiguration(type: "dense", name: "fc1", outputFeatures: 5),
        ])

    /// 300 seeded images: two full batches of 128 and a short one.
    static func dataset() throws -> Dataset {
        var generator = RandomGenerator(seed: 41)
        let images = (0..<(300 * 100)).map { _ in generator.nextFloat(in: -1, 1) }
        return try Dataset(name: "random", sampleShape: [1, 10, 10], images: images, labels: (0..<300).map { $0 % 5 })
    }

    @Test func predictionLogitsMatchTheBatchedInferencePass() throws {
        let network = try Network(configuration: Self.configuration, seed: 3)
        let batch = try Self.dataset().batch(0..<128).images
        let predicted = try network.forward(batch, mode: .prediction).values
        let inferred = try network.forward(batch, mode: .inference).values
        #expect(predicted.count == inferred.count)
        let largest = zip(predicted, inferred).map { abs($0 - $1) }.max() ?? 0
        #expect(largest < 1e-5, "prediction and inference logits differ by \(largest)")
    }

    @Test func datasetPredictionsAreTheSameOnOneAndTwoThreadsAndMatchBatchByBatch() throws {
        let network = try Network(configuration: Self.configuration, seed: 3)
        let data = try Self.dataset()
        let saved = BLAS.threadCount
        defer { BLAS.setThreadCount(saved) }
        BLAS.setThreadCount(1)
        let serial = try network.predictions(on: data)
        BLAS.setThreadCount(2)
        let parallel = try network.predictions(on: data)
        #expect(BLAS.threadCount == 2, "the thread count is restored after the one-threaded workers")
        #expect(serial == parallel)
        var batchByBatch: [Int] = []
        for start in stride(from: 0, to: data.count, by: 128) {
            batchByBatch += try network.predictions(for: data.batch(start..<min(start + 128, data.count)).images)
        }
        #expect(serial == batchByBatch)
        // After a weight change the copies see the new values.
        try network.setValues([Float](repeating: 0, count: 5 * 54), for: "fc1.weight")
        try network.setValues([0, 0, 0, 1, 0], for: "fc1.bias")
        #expect(try network.predictions(on: data) == [Int](repeating: 3, count: data.count))
    }

    @Test func stoppingReturnsThePrefixPredictedSoFar() throws {
        let network = try Network(configuration: Self.configuration, seed: 3)
        let data = try Self.dataset()
        let full = try network.predictions(on: data)
        var asked: [Int] = []
        let prefix = try network.predictions(on: data) { predicted in
            asked.append(predicted.count)
            return true
        }
        #expect(asked.count == 1)
        #expect(prefix.count == asked[0] && prefix.count < data.count && prefix.count % 128 == 0)
        #expect(prefix == Array(full.prefix(prefix.count)))
        #expect(throws: EngineError.self) { try network.predictions(on: data, batchSize: 0) }
    }
}
