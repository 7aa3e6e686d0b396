import Foundation
import Testing
@testable import SZNNEngine

/// The Network API the tuner uses: parameters by name, loading, gradients, learning.
struct NetworkTests {
    /// A tiny CNN with every parameterised layer kind: conv, batchnorm, dense.
    static let tinyConfiguration = NetworkConfiguration(
        name: "tiny", input: [1, 6, 6],
        layers: [
            LayerConfiguration(type: "conv2d", name: "conv1", outputChannels: 3, kernelSize: 3, padding: 1),
            LayerConfiguration(type: "batchnorm", name: "bn1"),
            LayerConfiguration(type: "relu"),
            LayerConfiguration(type: "maxpool2d", kernelSize: 2),
            LayerConfiguration(type: "flatten"),
            LayerConfiguration(type: "dense", name: "fc1", outputFeatures: 8),
            LayerConfiguration(type: "relu"),
            LayerConfiguration(type: "dropout", rate: 0.25),
            LayerConfiguration(type: "dense", name: "fc2", outputFeatures: 3, initialization: .glorot),
        ])

    @Test func parametersHavePyTorchNamesShapesAndOrder() throws {
        let network = try Network(configuration: Self.tinyConfiguration, seed: 1)
        #expect(network.parameters.map(\.name) == [
            "conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
            "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
        ])
        #expect(try network.parameter(named: "conv1.weight").shape == [3, 1, 3, 3])
        #expect(try network.parameter(named: "fc1.weight").shape == [8, 27])
        #expect(network.buffers.map(\.name) == ["bn1.running_mean", "bn1.running_var"])
        #expect(network.classCount == 3)
    }

    @Test func sameSeedGivesSameWeights() throws {
        let first = try Network(configuration: Self.tinyConfiguration, seed: 7)
        let second = try Network(configuration: Self.tinyConfiguration, seed: 7)
        let third = try Network(configuration: Self.tinyConfiguration, seed: 8)
        #expect(first.namedTensors() == second.namedTensors())
        #expect(first.namedTensors() != third.namedTensors())
    }

    @Test func loadParametersRejectsMissingUnexpectedAndMisshapenTensors() throws {
        let network = try Network(configuration: Self.tinyConfiguration, seed: 1)
        var named: [String: (shape: [Int], values: [Float])] = [:]
        for tensor in network.namedTensors() { named[tensor.name] = (tensor.shape, tensor.values) }
        try network.loadParameters(named)

        var missing = named
        missing["bn1.running_var"] = nil
        #expect(throws: EngineError.self) { try network.loadParameters(missing) }
        #expect(message(of: { try network.loadParameters(missing) }).contains("'bn1.running_var'"))

        var unexpected = named
        unexpected["fc3.weight"] = ([1], [0])
        #expect(message(of: { try network.loadParameters(unexpected) }).contains("unexpected tensor 'fc3.weight'"))

        var misshapen = named
        misshapen["fc1.weight"] = ([27, 8], Array(repeating: 0, count: 216))
        let text = message(of: { try network.loadParameters(misshapen) })
        #expect(text.contains("'fc1.weight'") && text.contains("[8, 27]"))

        // A failed load changes nothing.
        #expect(try network.values(of: "fc1.weight") == named["fc1.weight"]?.values)
    }

    @Test func setValuesReplacesOneTensorAndChecksItsSize() throws {
        let network = try Network(configuration: Self.tinyConfiguration, seed: 1)
        let replacement = [Float](repeating: 0.5, count: 24)
        try network.setValues(replacement, for: "fc2.weight")
        #expect(try network.values(of: "fc2.weight") == replacement)
        #expect(message(of: { try network.setValues([1, 2], for: "fc2.weight") }).contains("fc2.weight"))
        #expect(message(of: { try network.setValues([1], for: "nope.weight") }).contains("no tensor 'nope.weight'"))
    }

    @Test func lossAndGradientsMatchFiniteDifferencesForEveryWeightTensor() throws {
        let network = try Network(configuration: Self.tinyConfiguration, seed: 3)
        // Give the running statistics non-trivial values: inference mode uses them.
        try network.setValues([0.1, -0.1, 0.2], for: "bn1.running_mean")
        try network.setValues([0.5, 1.5, 0.9], for: "bn1.running_var")
        let images = GradientChecking.randomTensor([4, 1, 6, 6], seed: 4)
        let labels = [0, 2, 1, 2]
        let (_, gradients) = try network.lossAndGradients(images: images, labels: labels)
        #expect(Set(gradients.keys) == Set(network.trainableParameters.map(\.name)))
        let step: Float = 1e-2
        for parameter in network.trainableParameters {
            for index in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 6)) {
                var values = parameter.values
                let original = values[index]
                values[index] = original + step
                try network.setValues(values, for: parameter.name)
                let plus = try network.lossAndGradients(images: images, labels: labels).loss
                values[index] = original - step
                try network.setValues(values, for: parameter.name)
                let minus = try network.lossAndGradients(images: images, labels: labels).loss
                values[index] = original
                try network.setValues(values, for: parameter.name)
                let numerical = (plus - minus) / (2 * step)
                let analytical = gradients[parameter.name]?[index] ?? .nan
                #expect(abs(numerical - analytical) < 2e-3 + 2e-2 * abs(analytical), "\(parameter.name)[\(index)]")
            }
        }
    }

    @Test func inputsAndLabelsAreValidated() throws {
        let network = try Network(configuration: Self.tinyConfiguration, seed: 1)
        let wrongShape = FloatTensor(zeros: [2, 1, 5, 6])
        #expect(message(of: { _ = try network.logits(for: wrongShape) }).contains("[1, 6, 6]"))
        let images = FloatTensor(zeros: [2, 1, 6, 6])
        #expect(throws: EngineError.self) { _ = try network.lossAndGradients(images: images, labels: [0]) }
        #expect(message(of: { _ = try network.lossAndGradients(images: images, labels: [0, 3]) }).contains("label 3"))
    }

    @Test func aTinyNetworkLearnsASeededProblem() throws {
        // Three classes told apart by which third of the 6×6 image is bright.
        var generator = RandomGenerator(seed: 21)
        var pixels: [Float] = []
        var labels: [Int] = []
        for _ in 0..<96 {
            let label = generator.nextInt(below: 3)
            for row in 0..<6 {
                for _ in 0..<6 { pixels.append((row / 2 == label ? 1 : 0) + 0.3 * generator.nextGaussian()) }
            }
            labels.append(label)
        }
        let dataset = try Dataset(name: "toy", sampleShape: [1, 6, 6], images: pixels, labels: labels)
        let network = try Network(configuration: Self.tinyConfiguration, seed: 2)
        let optimizer = SGD(learningRate: 0.05, momentum: 0.9)
        let before = try network.lossAndGradients(images: dataset.batch(0..<96).images, labels: labels).loss
        for _ in 0..<8 {
            for batch in dataset.shuffledBatches(batchSize: 16, generator: &generator) {
                let (images, batchLabels) = dataset.batch(indices: batch)
                try network.trainingStep(images: images, labels: batchLabels, optimizer: optimizer)
            }
        }
        let after = try network.lossAndGradients(images: dataset.batch(0..<96).images, labels: labels).loss
        #expect(after < before * 0.5, "loss \(before) → \(after)")
        #expect(try network.accuracy(on: dataset, batchSize: 40) > 0.9)
    }

    @Test func adamAlsoDecreasesTheLoss() throws {
        let network = try Network(configuration: Self.tinyConfiguration, seed: 5)
        let images = GradientChecking.randomTensor([12, 1, 6, 6], seed: 6)
        let labels = (0..<12).map { $0 % 3 }
        let optimizer = Adam(learningRate: 0.01)
        let before = try network.lossAndGradients(images: images, labels: labels).loss
        for _ in 0..<30 { try network.trainingStep(images: images, labels: labels, optimizer: optimizer) }
        let after = try network.lossAndGradients(images: images, labels: labels).loss
        #expect(after < before)
    }
}

/// The message of the `EngineError` a closure throws, or "" if it does not throw one.
func message(of body: () throws -> Void) -> String {
    do {
        try body()
        return ""
    } catch let error as EngineError {
        return error.message
    } catch {
        return ""
    }
}
