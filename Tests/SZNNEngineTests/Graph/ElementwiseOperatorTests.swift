import Testing
@testable import SZNNEngine

/// Broadcasting arithmetic, comparisons and elementwise activations of the graph engine.
@Suite struct ElementwiseOperatorTests {
    typealias T = TensorOperatorTesting

    /// Same shapes, a scalar, a bias [C], a channel bias [C,1,1], and both sides broadcasting.
    static let patterns: [([Int], [Int])] = [([2, 3], [2, 3]), ([2, 3], []), ([]   , [2, 3]), ([2, 3], [3]),
                                              ([2, 3, 2, 2], [3, 1, 1]), ([2, 1, 3], [4, 1]), ([1], [2, 2])]

    @Test func broadcastPlanShapesAndRows() throws {
        let bias = try #require(Broadcast([[2, 3, 4, 5], [3, 1, 1]]))
        #expect(bias.outputShape == [2, 3, 4, 5])
        #expect(bias.rowLength == 20 && bias.rowSteps == [1, 0])
        let same = try #require(Broadcast([[2, 3, 4], [2, 3, 4]]))
        #expect(same.rowLength == 24 && same.rowSteps == [1, 1])
        let both = try #require(Broadcast([[2, 1, 3], [4, 1]]))
        #expect(both.outputShape == [2, 4, 3])
        #expect(both.expand([10, 20, 30, 40], operand: 1) == [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40,
                                                             10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40])
        #expect(both.reduce([Float](repeating: 1, count: 24), toOperand: 0) == [4, 4, 4, 4, 4, 4])
        #expect(Broadcast([[2, 3], [4]]) == nil)
    }

    @Test(arguments: ["Add", "Sub", "Mul", "Div"])
    func arithmeticGradientsForEveryBroadcastPattern(type: String) throws {
        for (left, right) in Self.patterns {
            let a = OperatorGradientChecking.random(left, seed: 1)
            var b = GradientChecking.randomTensor(right, seed: 2)
            if type == "Div" { b.values = b.values.map { $0 >= 0 ? $0 + 0.5 : $0 - 0.5 } }
            let mismatches = try OperatorGradientChecking.check(try T.make(type, inputs: 2), inputs: [a, .float(b)])
            #expect(mismatches.isEmpty, "\(type) \(left) with \(right): \(mismatches)")
        }
    }

    @Test func arithmeticValuesBroadcast() throws {
        let sum = try T.run(try T.make("Add", inputs: 2), [T.floats([1, 2, 3, 4, 5, 6], shape: [2, 3]), T.floats([10, 20, 30])])
        #expect(sum.floatValues == [11, 22, 33, 14, 25, 36] && sum.shape == [2, 3])
        let quotient = try T.run(try T.make("Div", inputs: 2), [T.integers([7, -7, 6]), T.integers([2])])
        #expect(quotient.intValues == [3, -3, 3])
        #expect(throws: EngineError.self) { try T.run(try T.make("Div", inputs: 2), [T.integers([1]), T.integers([0])]) }
        #expect(throws: EngineError.self) { try T.run(try T.make("Add", inputs: 2), [T.floats([1, 2]), T.floats([1, 2, 3])]) }
    }

    @Test func powerGradientsForBaseAndExponent() throws {
        let base = T.floats([0.5, 1.2, 2.0, 0.8, 1.5, 3.0], shape: [2, 3])
        let mismatches = try OperatorGradientChecking.check(try T.make("Pow", inputs: 2), inputs: [base, T.floats([2])])
        #expect(mismatches.isEmpty, "\(mismatches)")
        let exponents = try OperatorGradientChecking.check(try T.make("Pow", inputs: 2), inputs: [base, T.floats([1.5, 0.5, 3], shape: [3])])
        #expect(exponents.isEmpty, "\(exponents)")
        #expect(try T.run(try T.make("Pow", inputs: 2), [T.floats([3, -2]), T.floats([2])]).floatValues == [9, 4])
    }

    @Test(arguments: [("Sigmoid", [String: GraphAttribute]()), ("Tanh", [:]), ("Erf", [:]), ("Neg", [:]),
                      ("LeakyRelu", ["alpha": .float(0.2)]), ("Gelu", [:]), ("Gelu", ["approximate": .string("tanh")])])
    func activationGradients(type: String, attributes: [String: GraphAttribute]) throws {
        let mismatches = try OperatorGradientChecking.check(try T.make(type, attributes), inputs: [OperatorGradientChecking.kinkFree([3, 5], seed: 4)])
        #expect(mismatches.isEmpty, "\(type) \(attributes): \(mismatches)")
    }

    @Test func activationValues() throws {
        let x = T.floats([-1, 0, 0.5, 2])
        let gelu = try T.run(try T.make("Gelu"), [x]).floatValues
        for (value, expected) in zip(gelu, [-0.158655, 0, 0.345731, 1.954500] as [Float]) { #expect(abs(value - expected) < 1e-5) }
        let tanhGelu = try T.run(try T.make("Gelu", ["approximate": .string("tanh")]), [x]).floatValues
        for (value, expected) in zip(tanhGelu, [-0.158808, 0, 0.345714, 1.954598] as [Float]) { #expect(abs(value - expected) < 1e-5) }
        let erf = try T.run(try T.make("Erf"), [x]).floatValues
        #expect(abs(erf[0] + 0.8427008) < 1e-6 && abs(erf[3] - 0.9953223) < 1e-6)
        #expect(try T.run(try T.make("LeakyRelu", ["alpha": .float(0.1)]), [x]).floatValues == [-0.1, 0, 0.5, 2])
        let root = try T.run(try T.make("Sqrt"), [T.floats([4, 0.25])]).floatValues
        #expect(root == [2, 0.5])
        let rootCheck = try OperatorGradientChecking.check(try T.make("Sqrt"), inputs: [T.floats([0.5, 1, 2, 3])], step: 1e-3)
        #expect(rootCheck.isEmpty, "\(rootCheck)")
    }

    @Test func clipBoundsAsOptionalInputsAndGradientInside() throws {
        let x = OperatorGradientChecking.kinkFree([4, 5], seed: 2)
        let relu6 = try T.make("Clip", inputs: 3)
        let clipped = try T.run(relu6, [T.floats([-3, 0, 0.5, 7, 6.5, -0.1]), T.floats([0], shape: []), T.floats([6], shape: [])])
        #expect(clipped.floatValues == [0, 0, 0.5, 6, 6, 0])
        let onlyMax = try T.run(try T.make("Clip", inputs: 3), [T.floats([-3, 9]), nil, T.floats([6], shape: [])])
        #expect(onlyMax.floatValues == [-3, 6])
        let operation = try T.make("Clip", inputs: 3)
        _ = try operation.forward([x, T.floats([-0.3], shape: []), T.floats([0.4], shape: [])], mode: .inference)
        let gradient = try operation.backward([FloatTensor(computedShape: [4, 5], values: [Float](repeating: 1, count: 20))],
                                              needed: [true, false, false])[0]!
        let inside = x.floatValues.map { $0 > -0.3 && $0 < 0.4 ? Float(1) : 0 }
        #expect(gradient.values == inside)
        #expect(inside.contains(0) && inside.contains(1))
    }

    @Test func unsupportedAttributeNamesTheNode() throws {
        #expect {
            try T.make("Gelu", ["approximate": .string("weird")])
        } throws: { error in
            let message = (error as? EngineError)?.message ?? ""
            return message.contains("node n (Gelu)") && message.contains("weird")
        }
    }

    @Test func equalAndWhere() throws {
        let equal = try T.run(try T.make("Equal", inputs: 2), [T.integers([1, 2, 3, 2]), T.integers([2])])
        #expect(equal.intValues == [0, 1, 0, 1])
        let selected = try T.run(try T.make("Where", inputs: 3),
                                 [T.integers([1, 0, 1], shape: [3]), T.floats([1, 2, 3, 4, 5, 6], shape: [2, 3]), T.floats([-1], shape: [])])
        #expect(selected.floatValues == [1, -1, 3, 4, -1, 6])
        let mismatches = try OperatorGradientChecking.check(try T.make("Where", inputs: 3),
                                                            inputs: [T.integers([1, 0, 0, 1, 1, 0], shape: [2, 1, 3]),
                                                                     OperatorGradientChecking.random([4, 1], seed: 3),
                                                                     OperatorGradientChecking.random([2, 4, 3], seed: 4)])
        #expect(mismatches.isEmpty, "\(mismatches)")
    }
}
