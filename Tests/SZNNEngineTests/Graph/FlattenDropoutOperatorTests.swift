import Testing
@testable import SZNNEngine

/// Flatten (axis, negative axis) and Dropout (identity in inference, seeded inverted dropout in
/// training, ratio input, mask output).
@Suite struct FlattenDropoutOperatorTests {
    @Test func flattenSplitsAtTheAxis() throws {
        let x = OperatorGradientChecking.random([2, 3, 4, 5], seed: 1)
        for (axis, shape) in [(0, [1, 120]), (1, [2, 60]), (2, [6, 20]), (-1, [24, 5]), (4, [120, 1])] {
            let operation = try FlattenOperator(testNode("Flatten", inputs: ["x"], ["axis": .integer(axis)]))
            let y = try operation.forward([x], mode: .inference)[0].floats
            #expect(y.shape == shape && y.values == x.floats.values, "axis \(axis)")
            #expect(try OperatorGradientChecking.check(operation, inputs: [x]).isEmpty)
        }
        #expect(throws: EngineError.self) {
            try FlattenOperator(testNode("Flatten", inputs: ["x"], ["axis": .integer(5)])).forward([x], mode: .inference)
        }
    }

    @Test func dropoutIsTheIdentityInInference() throws {
        let x = OperatorGradientChecking.random([4, 10], seed: 2)
        let operation = try DropoutOperator(testNode("Dropout", inputs: ["x"], outputs: ["y", "mask"]))
        let outputs = try operation.forward([x], mode: .inference)
        #expect(outputs[0].floats == x.floats)
        guard case .integer(let mask) = outputs[1] else { Issue.record("mask is not an integer tensor"); return }
        #expect(mask.values.allSatisfy { $0 == 1 })
    }

    @Test func trainingDropoutScalesSurvivorsAndReplaysItsMask() throws {
        let x = OperatorGradientChecking.kinkFree([8, 50], seed: 3)
        let ratio = GraphValue.float(FloatTensor(computedShape: [], values: [0.25]))
        let operation = try DropoutOperator(testNode("Dropout", inputs: ["x", "ratio"], outputs: ["y", "mask"]))
        let outputs = try operation.forward([x, ratio], mode: .training)
        let y = outputs[0].floats
        guard case .integer(let mask) = outputs[1] else { Issue.record("mask is not an integer tensor"); return }
        let dropped = mask.values.count { $0 == 0 }
        #expect(dropped > 60 && dropped < 140, "dropped \(dropped) of 400 at ratio 0.25")
        for index in 0..<x.floats.count {
            let expected = mask.values[index] == 0 ? 0 : x.floats.values[index] / 0.75
            #expect(abs(y.values[index] - expected) < 1e-6)
        }
        let mismatches = try OperatorGradientChecking.check(operation, inputs: [x, nil], mode: .training) {
            operation.generator = RandomGenerator(seed: 42)
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func trainingModeInputTurnsDropoutOnInInference() throws {
        let x = OperatorGradientChecking.random([4, 25], seed: 4)
        let operation = try DropoutOperator(testNode("Dropout", inputs: ["x", "", "training_mode"]))
        let on = GraphValue.integer(IntegerTensor(shape: [], values: [1]))
        let y = try operation.forward([x, nil, on], mode: .inference)[0].floats
        #expect(y.values.contains(0) && y != x.floats)
    }
}
