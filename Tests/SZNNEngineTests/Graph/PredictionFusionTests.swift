import Testing
@testable import SZNNEngine

/// Prediction-mode fusion of BatchNormalization and Relu into the Conv before them: the same
/// floats as the operators one after the other, and only where the graph allows it.
@Suite struct PredictionFusionTests {
    static let normalization = testNode("BatchNormalization", inputs: ["c", "scale", "b", "mean", "var"], ["epsilon": .float(1e-3)])

    static func normalizationInputs(channels: Int) -> [GraphValue?] {
        var variance = GradientChecking.randomTensor([channels], seed: 25)
        variance.values = variance.values.map { 0.5 + abs($0) }
        return [nil] + (21...23).map { OperatorGradientChecking.random([channels], seed: $0) } + [.float(variance)]
    }

    @Test(arguments: [true, false]) func fusedConvolutionGivesTheUnfusedFloats(_ bias: Bool) throws {
        let testCase = ConvOperatorTests.Case(input: [3, 2, 5, 6], outputChannels: 4, pads: [1, 1, 1, 1], bias: bias)
        let convolution = try ConvOperator(testCase.node())
        let normalization = try BatchNormalizationOperator(Self.normalization), rectifier = ReluOperator()
        var normalizationInputs = Self.normalizationInputs(channels: 4)
        normalizationInputs[0] = try convolution.forward(testCase.inputs(), mode: .prediction)[0]
        let normalized = try normalization.forward(normalizationInputs, mode: .prediction)[0]
        let expected = try rectifier.forward([normalized], mode: .prediction)[0].floats
        let epilogues = [try #require(normalization.epilogue(Self.normalizationInputs(channels: 4), channels: 4)),
                         try #require(rectifier.epilogue([nil], channels: 4))]
        let fused = try convolution.forward(testCase.inputs(), mode: .prediction, epilogues: epilogues)[0].floats
        #expect(fused.shape == expected.shape)
        #expect(fused.values == expected.values)
    }

    @Test func batchStatisticsOrMismatchedChannelsAreNotFused() throws {
        let training = testNode("BatchNormalization", inputs: Self.normalization.inputs, ["training_mode": .integer(1)])
        #expect(try BatchNormalizationOperator(training).epilogue(Self.normalizationInputs(channels: 4), channels: 4) == nil)
        #expect(try BatchNormalizationOperator(Self.normalization).epilogue(Self.normalizationInputs(channels: 4), channels: 3) == nil)
    }

    /// conv1 → bn1 → relu1 (fused; relu1's output has two readers), conv2 → bn2 with batch
    /// statistics (fused by the plan, declined when run), conv3 whose output has two readers.
    static func residualGraph() -> GraphDescription {
        let channels = 3
        var seed: UInt64 = 40
        func constant(_ name: String, _ shape: [Int], positive: Bool = false) -> GraphConstant {
            seed += 1
            let values = GradientChecking.randomTensor(shape, seed: seed).values
            return GraphConstant(name: name, shape: shape, value: .float(positive ? values.map { 0.5 + abs($0) } : values))
        }
        let pads: [String: GraphAttribute] = ["pads": .integers([1, 1, 1, 1]), "kernel_shape": .integers([3, 3])]
        func normalization(_ index: Int) -> [GraphConstant] {
            [constant("s\(index)", [channels]), constant("b\(index)", [channels]), constant("m\(index)", [channels]),
             constant("v\(index)", [channels], positive: true)]
        }
        let nodes = [
            GraphNode(name: "conv1", operatorType: "Conv", inputs: ["x", "w1"], outputs: ["c1"], attributes: pads),
            GraphNode(name: "bn1", operatorType: "BatchNormalization", inputs: ["c1", "s1", "b1", "m1", "v1"], outputs: ["n1"], attributes: [:]),
            GraphNode(name: "relu1", operatorType: "Relu", inputs: ["n1"], outputs: ["r1"], attributes: [:]),
            GraphNode(name: "conv2", operatorType: "Conv", inputs: ["r1", "w2", "k2"], outputs: ["c2"], attributes: pads),
            GraphNode(name: "bn2", operatorType: "BatchNormalization", inputs: ["c2", "s2", "b2", "m2", "v2"], outputs: ["n2"],
                      attributes: ["training_mode": .integer(1)]),
            GraphNode(name: "add1", operatorType: "Add", inputs: ["n2", "r1"], outputs: ["a1"], attributes: [:]),
            GraphNode(name: "conv3", operatorType: "Conv", inputs: ["a1", "w3"], outputs: ["c3"], attributes: pads),
            GraphNode(name: "relu3", operatorType: "Relu", inputs: ["c3"], outputs: ["r3"], attributes: [:]),
            GraphNode(name: "add2", operatorType: "Add", inputs: ["r3", "c3"], outputs: ["a2"], attributes: [:]),
            GraphNode(name: "flatten", operatorType: "Flatten", inputs: ["a2"], outputs: ["logits"], attributes: [:]),
        ]
        let initializers = [constant("w1", [channels, 2, 3, 3]), constant("w2", [channels, channels, 3, 3]), constant("k2", [channels]),
                            constant("w3", [channels, channels, 3, 3])] + normalization(1) + normalization(2)
        return GraphDescription(name: "residual", inputs: [("x", [nil, 2, 5, 4])], outputs: ["logits"], nodes: nodes,
                                initializers: initializers, opsetVersion: 17)
    }

    @Test func graphFusesOnlySoleReadersAndPredictsAsInInference() throws {
        let program = try GraphProgram(Self.residualGraph())
        #expect(program.predictionSteps.map(\.node.name) == ["conv1", "conv2", "add1", "conv3", "relu3", "add2", "flatten"])
        #expect(program.predictionSteps.map { $0.epilogues.map(\.node.name) } == [["bn1", "relu1"], ["bn2"], [], [], [], [], []])
        let batch = GradientChecking.randomTensor([3, 2, 5, 4], seed: 7)
        let predicted = try program.forward(batch, mode: .prediction)
        let inferred = try program.forward(batch, mode: .inference)
        #expect(predicted.shape == [3, 60])
        #expect(maximumDifference(predicted.values, inferred.values) < 1e-5)
    }
}
