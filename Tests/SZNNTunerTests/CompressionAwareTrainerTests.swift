import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner
import Testing

@Suite("compression-aware training")
struct CompressionAwareTrainerTests {
    /// The tiny fixture network with a seeded 3-class dataset of 64 samples, used for both splits.
    static func setUp() throws -> (Network, Dataset, [TunedTensor]) {
        let (network, _, _) = try ErrorBoundTunerTests.fixture()
        var generator = RandomGenerator(seed: 9)
        let images = (0..<(64 * 6)).map { _ in generator.nextFloat(in: -1, 1) }
        let data = try Dataset(name: "tiny", sampleShape: [6], images: images, labels: (0..<64).map { $0 % 3 })
        return (network, data, try ErrorBoundTunerTests.tunedTensors(network))
    }

    @Test("a loose target lets the bounds grow; the kept state met the target and is back in the network")
    func looseTargetGrowsBounds() throws {
        let (network, data, tensors) = try Self.setUp()
        let baseline = try network.accuracy(on: data)
        var options = CompressionAwareOptions(targetAccuracyLoss: 90)
        options.epochs = 3
        options.batchSize = 8
        options.evaluateEvery = 4
        options.boundLearningRate = 0.1
        let initial = tensors.map { $0.scale / 8 }
        let trainer = try CompressionAwareTrainer(network: network, training: data, validation: data, tensors: tensors,
                                                  initialBounds: initial, optimizer: SGD(learningRate: 0.01), baselineAccuracy: baseline,
                                                  options: options, oracle: ErrorBoundTunerTests.oracle)
        try trainer.run()
        let result = try trainer.finish()
        #expect(trainer.evaluations >= 6)
        #expect(zip(result.bounds, initial).allSatisfy { $0 > $1 }, "bounds \(result.bounds) did not grow from \(initial)")
        let drop = try #require(result.measuredDrop)
        #expect(drop <= 90)
        // The network holds the kept weights, and the returned tensors are those weights.
        for tensor in result.tensors { #expect(try network.values(of: tensor.name) == tensor.values) }
        let probe = try AccuracyProbe(network: network, validation: data, tensors: result.tensors, baselineAccuracy: baseline)
        #expect(abs(try probe.drop(bounds: result.bounds) - drop) < 1e-9, "the kept state's drop is reproducible")
    }

    @Test("the options are checked")
    func badOptions() throws {
        let (network, data, tensors) = try Self.setUp()
        var options = CompressionAwareOptions(targetAccuracyLoss: 100)
        #expect(throws: SZNNError.self) {
            try CompressionAwareTrainer(network: network, training: data, validation: data, tensors: tensors, initialBounds: [0.1, 0.1],
                                        optimizer: SGD(learningRate: 0.01), baselineAccuracy: 1, options: options,
                                        oracle: ErrorBoundTunerTests.oracle)
        }
        options.targetAccuracyLoss = 0.5
        #expect(throws: SZNNError.self) {
            try CompressionAwareTrainer(network: network, training: data, validation: data, tensors: tensors, initialBounds: [0.1],
                                        optimizer: SGD(learningRate: 0.01), baselineAccuracy: 1, options: options,
                                        oracle: ErrorBoundTunerTests.oracle)
        }
    }

    @Test("a probe scans scales from the largest down and returns the first that meets the target")
    func scaleScan() throws {
        let (network, data, tensors) = try Self.setUp()
        let probe = try AccuracyProbe(network: network, validation: data, tensors: tensors)
        let huge = tensors.map { $0.scale * 64 }
        let found = try #require(try probe.largestFeasibleScale(of: huge, target: 100, scales: [0.5, 1, 0.25]))
        #expect(found.scale == 1 && probe.evaluations == 1)
        #expect(try probe.largestFeasibleScale(of: huge, target: -101, scales: [1, 0.5]) == nil)
    }
}

@Suite("accuracy probe")
struct AccuracyProbeTests {
    @Test("a drop decided against a target is exact when within it, and above it when stopped early")
    func decidedDrop() throws {
        let (network, data, tensors) = try CompressionAwareTrainerTests.setUp()
        let probe = try AccuracyProbe(network: network, validation: data, tensors: tensors)
        let coarse = tensors.map { $0.scale * 4 }
        let exact = try probe.drop(bounds: coarse)
        #expect(try probe.drop(bounds: coarse, decidingAgainst: exact) == exact)
        #expect(try probe.drop(bounds: coarse, decidingAgainst: 100) == exact)
        let below = exact - 1
        #expect(try probe.drop(bounds: coarse, decidingAgainst: below) > below)
        #expect(probe.evaluations == 4)
        // The weights are back after every measurement.
        for tensor in tensors { #expect(try network.values(of: tensor.name) == tensor.values) }
    }
}
