import Foundation
import SZNNCABAC
import SZNNCore
import SZNNEngine
import SZNNTestSupport
import SZNNTuner
import SZNNZstd
import Testing
@testable import SZNNBaselines

/// Every method end to end on a tiny seeded network and dataset (MNIST is too slow for a unit test).
@Suite("Comparison on a tiny network")
struct ComparisonTests {
    static func subject() throws -> (ComparisonSubject, Dataset) {
        let configuration = NetworkConfiguration(name: "tiny", input: [1, 6, 6], layers: [
            LayerConfiguration(type: "conv2d", name: "conv", outputChannels: 3, kernelSize: 3),
            LayerConfiguration(type: "relu"),
            LayerConfiguration(type: "flatten"),
            LayerConfiguration(type: "dense", name: "fc", outputFeatures: 12),
            LayerConfiguration(type: "relu"),
            LayerConfiguration(type: "dense", name: "out", outputFeatures: 3),
        ])
        let network = try Network(configuration: configuration, seed: 4)
        var generator = SeededGenerator(seed: 11)
        let images = (0..<(90 * 36)).map { _ in Float.random(in: 0...1, using: &generator) }
        let labels = (0..<90).map { sample in (0..<3).max { images[sample * 36 + $0] < images[sample * 36 + $1] } ?? 0 }
        let data = try Dataset(name: "tiny", sampleShape: [1, 6, 6], images: images, labels: labels)
        return (try ComparisonSubject(network: network, validation: data, test: data), data)
    }

    /// One short epoch of compression-aware training, measured every 2 steps.
    static var tinyTrainingOptions: CompressionAwareOptions {
        var options = CompressionAwareOptions(targetAccuracyLoss: 0)
        options.epochs = 1
        options.batchSize = 15
        options.evaluateEvery = 2
        return options
    }

    @Test("every method yields a verified row: real bytes, decoded weights, the target met at a loose target")
    func allMethods() throws {
        let (subject, training) = try ComparisonTests.subject()
        let cabac = try CABACBackend()
        let oracle: RateOracle = { tensor, settings in
            Double(try TensorEncoder.encode(tensor, settings: settings, backend: cabac).payload.count * 8)
        }
        let methods: [any CompressionMethod] = [
            PruningMethod(), try UniformQuantizationMethod(bits: 8, backend: cabac), try UniformQuantizationMethod(bits: 4, backend: cabac),
            WeightSharingMethod(clusterGrid: [2, 4]), LowRankMethod(), GlobalBoundMethod(backend: cabac), GlobalBoundMethod(backend: try ZstdBackend()),
            DeepSZMethod(backend: cabac, relativeGrid: [0.25, 1]),
            TunerMethod(method: .fisher, training: training, backend: cabac, oracle: oracle, steps: 4),
            TunerMethod(method: .gradient, training: training, backend: cabac, oracle: oracle, steps: 4),
            LearnedBoundsMethod(training: training, makeOptimizer: { SGD(learningRate: 0.01, momentum: 0.9, weightDecay: 0) },
                                options: ComparisonTests.tinyTrainingOptions, backend: cabac, oracle: oracle, description: "1 epoch"),
        ]
        var messages: [String] = []
        subject.progress = { messages.append($0) }
        let (rows, failures) = try Comparison(subject: subject, methods: methods).run(target: 60)
        #expect(failures.isEmpty)
        // Each method announces itself with its position; from the second on with an ETA.
        #expect(messages.first == "[method 1/\(methods.count)] prune: searching")
        #expect(messages.contains { $0.hasPrefix("[method \(methods.count)/\(methods.count), ETA ~") })
        #expect(Set(rows.map(\.method)) == Set(MethodName.allCases))
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.ratio >= $1.ratio })
        for row in rows {
            #expect(row.bytes > 0)
            #expect(row.metTarget, "\(row.method): loss \(row.validationLoss)")
            #expect(abs(row.ratio - Double(subject.originalBytes) / Double(row.bytes)) < 1e-9)
        }
        // The original weights are back in the network after all the swapping and the retraining.
        #expect(subject.network.namedTensors().map(\.values) == subject.tensors.map(\.values))
        #expect(try subject.validationAccuracy(of: [:]) == subject.baselineValidation)
    }

    @Test("the ETA is the remaining methods at the mean time of those done")
    func status() {
        #expect(Comparison.status(position: 0, count: 4, elapsedSeconds: 0) == "[method 1/4]")
        #expect(Comparison.status(position: 1, count: 4, elapsedSeconds: 10) == "[method 2/4, ETA ~30 s]")
        #expect(Comparison.status(position: 2, count: 10, elapsedSeconds: 60) == "[method 3/10, ETA ~4 min]")
    }

    @Test("the plot is one SVG with axis labels, a legend entry per method and the dashed target line")
    func plot() throws {
        let row = { (method: MethodName, loss: Double, ratio: Double) in
            ComparisonRow(method: method, target: 0.5, bytes: 100, ratio: ratio, bitsPerWeight: 1, validationAccuracy: 0.99, testAccuracy: 0.99,
                          validationLoss: loss, testLoss: loss, metTarget: loss <= 0.5, seconds: 1, evaluations: 1, setting: "")
        }
        let svg = ComparisonPlot(title: "a <test>", rows: [row(.prune, 0.4, 3.5), row(.prune, 0.9, 4), row(.gradient, 0.45, 38)], target: 0.5).svg()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("stroke-dasharray"))
        #expect(svg.contains(">prune</text>") && svg.contains(">gradient</text>"))
        #expect(svg.contains("compression ratio (log scale)") && svg.contains("a &lt;test&gt;"))
    }
}
