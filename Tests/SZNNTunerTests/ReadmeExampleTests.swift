import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner
import Testing

// BEGIN README EXAMPLE
/// Compression-aware training: the weights and their error bounds learn together.
func trainWithBounds(network: Network, data: Dataset, tensors: [TunedTensor],
                     optimizer: any Optimizer, steps: Int) throws -> [String: Double] {
    let tuner = ErrorBoundTuner(tensors: tensors, initialBounds: tensors.map { $0.scale / 4 })
    var generator = RandomGenerator(seed: 1)
    for _ in 0..<steps {
        let batch = data.batch(indices: (0..<32).map { _ in generator.nextInt(below: data.count) })
        try tuner.perturb(network)                         // W ← W + e·U
        let (_, gradients) = try network.lossAndGradients(images: batch.images, labels: batch.labels,
                                                          mode: .training)
        try tuner.restore(network)                         // W back, gradients kept
        optimizer.step(network.parameters)                 // the weights learn…
        try tuner.updateWeights(from: network)
        tuner.step(gradients: gradients)                   // …and so do the bounds
    }
    return tuner.errorBounds
}
// END README EXAMPLE

@Suite("README example")
struct ReadmeExampleTests {
    @Test("the README's training-loop example is this file's, and it runs")
    func example() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let code = try Self.example(in: try String(contentsOfFile: #filePath, encoding: .utf8))
        #expect(readme.contains(code), "README.md's example differs from \(#fileID)")
        // `make client` builds and runs the same code from a separate package (Examples/client).
        let client = try String(contentsOf: root.appendingPathComponent("Examples/client/Sources/client/main.swift"), encoding: .utf8)
        #expect(try Self.example(in: client) == code, "Examples/client's example differs from \(#fileID)")

        let (network, _, _) = try ErrorBoundTunerTests.fixture()
        var generator = RandomGenerator(seed: 5)
        let images = (0..<(64 * 6)).map { _ in generator.nextFloat(in: -1, 1) }
        let labels = (0..<64).map { $0 % 3 }
        let data = try Dataset(name: "tiny", sampleShape: [6], images: images, labels: labels)
        let bounds = try trainWithBounds(network: network, data: data, tensors: try ErrorBoundTunerTests.tunedTensors(network),
                                         optimizer: SGD(learningRate: 0.01), steps: 5)
        #expect(bounds.count == 2)
        #expect(bounds.values.allSatisfy { $0.isFinite && $0 > 0 })
    }

    /// The code between the README example markers of `source`.
    static func example(in source: String) throws -> String {
        let begin = "// BEGIN README EXAMPLE\n", end = "// END README EXAMPLE"
        return try #require(source.range(of: begin).flatMap { start in
            source.range(of: end).map { String(source[start.upperBound..<$0.lowerBound]) }
        })
    }

    @Test("the quantization surrogate puts the real reconstruction into the network")
    func quantizationSurrogate() throws {
        let (network, _, _) = try ErrorBoundTunerTests.fixture()
        let tensors = try ErrorBoundTunerTests.tunedTensors(network)
        let tuner = ErrorBoundTuner(tensors: tensors, initialBounds: [0.2, 0.2])
        tuner.surrogate = .quantizationError
        try tuner.perturb(network)
        #expect(try network.values(of: "fc1.weight") == (try tensors[0].reconstructed(bound: 0.2)))
        try tuner.restore(network)
        #expect(try network.values(of: "fc1.weight") == tensors[0].values)
    }
}
