import Testing
@testable import SZNNEngine

/// The graph executor behind `Network(graph:)`: ordering, errors, gradients through a whole graph.
@Suite struct GraphNetworkTests {
    /// x[N,4] → Gemm(W1ᵀ, b1) → Relu → Gemm(W2ᵀ, b2) → logits[N,3], with a skip that reuses W… none.
    static func twoLayerGraph(shuffled: Bool = false) -> GraphDescription {
        var generator = RandomGenerator(seed: 3)
        func constant(_ name: String, _ shape: [Int]) -> GraphConstant {
            GraphConstant(name: name, shape: shape,
                          value: .float((0..<shape.reduce(1, *)).map { _ in generator.nextFloat(in: -1, 1) }))
        }
        var nodes = [
            GraphNode(name: "fc1", operatorType: "Gemm", inputs: ["x", "w1", "b1"], outputs: ["h"], attributes: ["transB": .integer(1)]),
            GraphNode(name: "relu", operatorType: "Relu", inputs: ["h"], outputs: ["r"]),
            GraphNode(name: "fc2", operatorType: "Gemm", inputs: ["r", "w2", "b2"], outputs: ["logits"], attributes: ["transB": .integer(1)]),
        ]
        if shuffled { nodes.reverse() }
        return GraphDescription(name: "mlp", inputs: [("x", [nil, 4])], outputs: ["logits"], nodes: nodes,
                                initializers: [constant("w1", [5, 4]), constant("b1", [5]), constant("w2", [3, 5]), constant("b2", [3])],
                                opsetVersion: 17)
    }

    @Test func graphNetworkKnowsItsShapeAndParameters() throws {
        let network = try Network(graph: Self.twoLayerGraph())
        #expect(network.inputShape == [4])
        #expect(network.classCount == 3)
        #expect(network.trainableParameters.map(\.name) == ["w1", "b1", "w2", "b2"])
        #expect(network.name == "mlp")
    }

    @Test func nodesOutOfOrderRunInDependencyOrder() throws {
        let inOrder = try Network(graph: Self.twoLayerGraph())
        let reversed = try Network(graph: Self.twoLayerGraph(shuffled: true))
        let batch = GradientChecking.randomTensor([2, 4], seed: 1)
        #expect(try inOrder.logits(for: batch) == reversed.logits(for: batch))
    }

    @Test func wholeGraphGradientsMatchFiniteDifferences() throws {
        let network = try Network(graph: Self.twoLayerGraph())
        let images = GradientChecking.randomTensor([3, 4], seed: 5)
        let labels = [0, 2, 1]
        let (_, gradients) = try network.lossAndGradients(images: images, labels: labels)
        let step: Float = 1e-3
        for parameter in network.trainableParameters {
            for index in 0..<parameter.count {
                let original = parameter.values[index]
                parameter.values[index] = original + step
                let plus = try network.lossAndGradients(images: images, labels: labels).loss
                parameter.values[index] = original - step
                let minus = try network.lossAndGradients(images: images, labels: labels).loss
                parameter.values[index] = original
                let numerical = (plus - minus) / (2 * step)
                let analytical = gradients[parameter.name]![index]
                #expect(abs(analytical - numerical) <= 2e-2 * max(1, abs(numerical)), "\(parameter.name)[\(index)]")
            }
        }
    }

    @Test func unsupportedOperatorNamesNodeTypeAndList() throws {
        var graph = Self.twoLayerGraph()
        graph.nodes[1].operatorType = "Frobnicate"
        #expect {
            try Network(graph: graph)
        } throws: { error in
            let message = (error as? EngineError)?.message ?? ""
            return message.contains("node relu") && message.contains("'Frobnicate'") && message.contains("Gemm")
        }
    }

    @Test func missingValueAndInitializerShapeMismatchAreNamed() throws {
        var missing = Self.twoLayerGraph()
        missing.nodes[2].inputs[0] = "nowhere"
        #expect(throws: EngineError.self) { try Network(graph: missing) }
        var wrongShape = Self.twoLayerGraph()
        wrongShape.initializers[2] = GraphConstant(name: "w2", shape: [3, 6], value: .float([Float](repeating: 0, count: 18)))
        #expect {
            try Network(graph: wrongShape)
        } throws: { error in
            ((error as? EngineError)?.message ?? "").contains("fc2")
        }
    }

    @Test func gemmGradientsForEveryTransposeAndBiasForm() throws {
        for (transA, transB) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            for biasShape in [[Int](), [4], [1, 4], [3, 1], [3, 4]] {
                let node = GraphNode(name: "g", operatorType: "Gemm", inputs: ["a", "b", "c"], outputs: ["y"],
                                     attributes: ["transA": .integer(transA), "transB": .integer(transB),
                                                  "alpha": .float(0.7), "beta": .float(1.3)])
                let a = OperatorGradientChecking.random(transA == 1 ? [2, 3] : [3, 2], seed: 1)
                let b = OperatorGradientChecking.random(transB == 1 ? [4, 2] : [2, 4], seed: 2)
                let c = OperatorGradientChecking.random(biasShape, seed: 3)
                let mismatches = try OperatorGradientChecking.check(try GemmOperator(node), inputs: [a, b, c])
                #expect(mismatches.isEmpty, "transA \(transA) transB \(transB) bias \(biasShape): \(mismatches)")
            }
        }
    }
}
