import Testing
@testable import SZNNEngine

/// BatchNormalization: inference with running statistics, training with batch statistics and
/// the ONNX running-statistic update, gradients in both modes, buffers written back in a graph.
@Suite struct BatchNormalizationOperatorTests {
    static let node = testNode("BatchNormalization", inputs: ["x", "scale", "b", "mean", "var"],
                               ["epsilon": .float(1e-3), "momentum": .float(0.8)])

    static func inputs(_ shape: [Int] = [3, 2, 4, 3]) -> [GraphValue?] {
        let channels = shape[1]
        var variance = GradientChecking.randomTensor([channels], seed: 5)
        variance.values = variance.values.map { 0.5 + abs($0) }
        return [OperatorGradientChecking.random(shape, seed: 1), OperatorGradientChecking.random([channels], seed: 2),
                OperatorGradientChecking.random([channels], seed: 3), OperatorGradientChecking.random([channels], seed: 4),
                .float(variance)]
    }

    @Test func inferenceUsesRunningStatistics() throws {
        let inputs = Self.inputs()
        let (x, scale, shift, mean, variance) = (inputs[0].floats, inputs[1].floats, inputs[2].floats, inputs[3].floats, inputs[4].floats)
        let y = try BatchNormalizationOperator(Self.node).forward(inputs, mode: .inference)[0].floats
        let expected = x.values.indices.map { index -> Float in
            let channel = index / 12 % 2
            return scale.values[channel] * (x.values[index] - mean.values[channel]) / (variance.values[channel] + 1e-3).squareRoot()
                + shift.values[channel]
        }
        #expect(maximumDifference(y.values, expected) < 1e-5)
    }

    @Test func trainingNormalisesWithBatchStatisticsAndUpdatesRunningOnes() throws {
        let inputs = Self.inputs()
        let node = testNode("BatchNormalization", inputs: Self.node.inputs, outputs: ["y", "running_mean", "running_var"],
                            Self.node.attributes)
        let outputs = try BatchNormalizationOperator(node).forward(inputs, mode: .training)
        let (x, y) = (inputs[0].floats, outputs[0].floats)
        for channel in 0..<2 {
            let indices = x.values.indices.filter { $0 / 12 % 2 == channel }
            let values = indices.map { Double(x.values[$0]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            let normalized = indices.map { Double(y.values[$0] - inputs[2].floats.values[channel]) / Double(inputs[1].floats.values[channel]) }
            #expect(abs(normalized.reduce(0, +)) < 1e-3)
            let expectedMean = Double(inputs[3].floats.values[channel]) * 0.8 + mean * 0.2
            let expectedVariance = Double(inputs[4].floats.values[channel]) * 0.8 + variance * 0.2
            #expect(abs(Double(outputs[1].floats.values[channel]) - expectedMean) < 1e-5)
            #expect(abs(Double(outputs[2].floats.values[channel]) - expectedVariance) < 1e-5)
        }
    }

    @Test(arguments: [ForwardMode.inference, .training]) func gradientsMatchFiniteDifferences(_ mode: ForwardMode) throws {
        for shape in [[3, 2, 4, 3], [5, 3]] {
            let mismatches = try OperatorGradientChecking.check(try BatchNormalizationOperator(Self.node), inputs: Self.inputs(shape), mode: mode)
            #expect(mismatches.isEmpty, "\(mode) \(shape): \(mismatches)")
        }
    }

    @Test func graphTrainingWritesRunningStatisticsIntoTheBuffers() throws {
        let inputs = Self.inputs([4, 2, 1, 1])
        let graph = GraphDescription(
            name: "bn", inputs: [("x", [nil, 2, 1, 1])], outputs: ["logits"],
            nodes: [Self.node, testNode("Flatten", inputs: ["y"], outputs: ["logits"])],
            initializers: zip(["scale", "b", "mean", "var"], inputs.dropFirst()).map { name, value in
                GraphConstant(name: name, shape: [2], value: .float(value.floats.values))
            }, opsetVersion: 17)
        let program = try GraphProgram(graph)
        #expect(program.parameters.map(\.isTrainable) == [true, true, false, false])
        let batch = GradientChecking.randomTensor([4, 2, 1, 1], seed: 9)
        _ = try program.forward(batch, mode: .inference)
        #expect(program.parameters[2].values == inputs[3].floats.values)
        _ = try program.forward(batch, mode: .training)
        let firstChannel = (0..<4).map { batch.values[$0 * 2] }
        let expected = inputs[3].floats.values[0] * 0.8 + firstChannel.reduce(0, +) / 4 * 0.2
        #expect(abs(program.parameters[2].values[0] - expected) < 1e-5)
        #expect(program.parameters[3].values != inputs[4].floats.values)
    }
}
