import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner
import Testing

@Suite("error-bound tuner")
struct ErrorBoundTunerTests {
    /// A 6-4-3 dense network with seeded weights and a seeded batch.
    static func fixture() throws -> (Network, FloatTensor, [Int]) {
        let json = """
        {"name": "tiny", "input": [6], "layers": [
          {"type": "dense", "name": "fc1", "outputFeatures": 4}, {"type": "relu"},
          {"type": "dense", "name": "fc2", "outputFeatures": 3}]}
        """
        let configuration = try JSONDecoder().decode(NetworkConfiguration.self, from: Data(json.utf8))
        let network = try Network(configuration: configuration, seed: 7)
        var generator = RandomGenerator(seed: 3)
        let images = try FloatTensor(shape: [5, 6], values: (0..<30).map { _ in generator.nextFloat(in: -1, 1) })
        return (network, images, [0, 1, 2, 1, 0])
    }

    /// A constant-slope rate oracle: the test checks the accuracy term, not the backend.
    static let oracle: RateOracle = { tensor, settings in Double(tensor.elementCount) * max(0, 8 - log2(settings.bounds.maximum * 1e3)) }

    static func tunedTensors(_ network: Network) throws -> [TunedTensor] {
        try ["fc1.weight", "fc2.weight"].map { name in
            let parameter = try network.parameter(named: name)
            return try TunedTensor(name: name, shape: parameter.shape, values: parameter.values, oracle: oracle)
        }
    }

    @Test("d CE(W + e^s·U) / ds matches central finite differences for a fixed noise draw")
    func accuracyGradient() throws {
        let (network, images, labels) = try Self.fixture()
        let tensors = try Self.tunedTensors(network)
        let bounds = [0.05, 0.08]
        let tuner = ErrorBoundTuner(tensors: tensors, initialBounds: bounds, seed: 11)
        try tuner.perturb(network)
        let (_, gradients) = try network.lossAndGradients(images: images, labels: labels)
        try tuner.restore(network)
        let analytic = tuner.accuracyGradient(gradients)

        let step = 1e-3
        for position in tensors.indices {
            func loss(_ delta: Double) throws -> Double {
                var shifted = bounds
                shifted[position] *= exp(delta)
                // Same seed, so the same uniform draw U; only e changes.
                let probe = ErrorBoundTuner(tensors: tensors, initialBounds: shifted, seed: 11)
                try probe.perturb(network)
                defer { try? probe.restore(network) }
                return Double(try network.lossAndGradients(images: images, labels: labels).loss)
            }
            let numeric = (try loss(step) - loss(-step)) / (2 * step)
            #expect(abs(numeric - analytic[position]) <= 2e-2 * max(abs(numeric), 1e-3),
                    "tensor \(tensors[position].name): numeric \(numeric), analytic \(analytic[position])")
        }
    }

    @Test("with no accuracy pressure the bounds grow (rate term only) and stay inside the grid")
    func rateOnly() throws {
        let (network, _, _) = try Self.fixture()
        let tensors = try Self.tunedTensors(network)
        let tuner = ErrorBoundTuner(tensors: tensors, initialBounds: [0.01, 0.01], multiplier: 0, learningRate: 0.1)
        let before = tuner.estimatedBits
        for _ in 0..<50 { tuner.step(gradients: [:]) }
        #expect(tuner.boundList.allSatisfy { $0 > 0.01 })
        #expect(tuner.estimatedBits < before)
        for (tensor, bound) in zip(tensors, tuner.boundList) {
            #expect(log(bound) <= (tensor.rate.logBounds.last ?? 0) + 1e-12)
        }
    }

    @Test("perturb then restore leaves the weights exactly as they were")
    func restore() throws {
        let (network, _, _) = try Self.fixture()
        let tensors = try Self.tunedTensors(network)
        let before = try network.values(of: "fc1.weight")
        let tuner = ErrorBoundTuner(tensors: tensors, initialBounds: [0.5, 0.5])
        try tuner.perturb(network)
        #expect(try network.values(of: "fc1.weight") != before)
        try tuner.restore(network)
        #expect(try network.values(of: "fc1.weight") == before)
    }

    @Test("dual ascent raises μ when the drop exceeds the target and lowers it below")
    func dualAscent() throws {
        let (network, _, _) = try Self.fixture()
        let tuner = ErrorBoundTuner(tensors: try Self.tunedTensors(network), initialBounds: [0.1, 0.1], multiplier: 1)
        tuner.adaptMultiplier(measuredDrop: 1.0, target: 0.5)
        #expect(tuner.multiplier > 1)
        let raised = tuner.multiplier
        tuner.adaptMultiplier(measuredDrop: 0.1, target: 0.5)
        #expect(tuner.multiplier < raised)
    }
}
