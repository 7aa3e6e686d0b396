import Testing
@testable import SZNNEngine

/// Softmax, LayerNormalization and ReduceMean: values against hand computation and gradients.
@Suite struct NormalizationOperatorTests {
    typealias T = TensorOperatorTesting

    @Test func softmaxValuesAndGradientsOnEveryAxis() throws {
        let y = try T.run(try T.make("Softmax"), [T.floats([0, 0, 1, 2], shape: [2, 2])]).floatValues
        #expect(abs(y[0] - 0.5) < 1e-6 && abs(y[2] - 0.2689414) < 1e-6 && abs(y[3] - 0.7310586) < 1e-6)
        for axis in [-1, 0, 1, 2] {
            let mismatches = try OperatorGradientChecking.check(try T.make("Softmax", ["axis": .integer(axis)]),
                                                                inputs: [OperatorGradientChecking.random([2, 3, 4], seed: 1)])
            #expect(mismatches.isEmpty, "axis \(axis): \(mismatches)")
        }
        #expect(throws: EngineError.self) { try T.make("Softmax", opset: 11) }
    }

    @Test func layerNormalizationValues() throws {
        let operation = try T.make("LayerNormalization", inputs: 3, outputs: 3, ["epsilon": .float(0)])
        let outputs = try operation.forward([T.floats([1, 2, 3, 4, 4, 4, 0, 8], shape: [2, 4]),
                                             T.floats([1, 1, 2, 2]), T.floats([0, 1, 0, 1])], mode: .inference)
        let deviation = Float(1.25).squareRoot()
        let expected: [Float] = [-1.5 / deviation, -0.5 / deviation + 1, 1 / deviation, 3 / deviation + 1]
        for (value, wanted) in zip(outputs[0].floatValues.prefix(4), expected) { #expect(abs(value - wanted) < 1e-5) }
        #expect(outputs[1].floatValues == [2.5, 4] && outputs[1].shape == [2, 1])
        #expect(abs(outputs[2].floatValues[0] - 1 / deviation) < 1e-6 && outputs[2].shape == [2, 1])
    }

    @Test func layerNormalizationGradients() throws {
        for (axis, scaleShape) in [(-1, [4]), (1, [3, 4]), (-2, [3, 4])] {
            for outputs in [1, 3] {
                for withBias in [true, false] {
                    let operation = try T.make("LayerNormalization", inputs: withBias ? 3 : 2, outputs: outputs, ["axis": .integer(axis)])
                    var inputs = [OperatorGradientChecking.random([2, 3, 4], seed: 1), OperatorGradientChecking.random(scaleShape, seed: 2)]
                    if withBias { inputs.append(OperatorGradientChecking.random(scaleShape, seed: 3)) }
                    let mismatches = try OperatorGradientChecking.check(operation, inputs: inputs, step: 1e-3)
                    #expect(mismatches.isEmpty, "axis \(axis) outputs \(outputs) bias \(withBias): \(mismatches)")
                }
            }
        }
    }

    @Test func reduceMeanAxesAsAttributeOrInput() throws {
        let x = T.floats([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let rows = try T.run(try T.make("ReduceMean", ["axes": .integers([-1])], opset: 17), [x])
        #expect(rows.floatValues == [2, 5] && rows.shape == [2, 1])
        let columns = try T.run(try T.make("ReduceMean", inputs: 2, ["keepdims": .integer(0)], opset: 18), [x, T.integers([0])])
        #expect(columns.floatValues == [2.5, 3.5, 4.5] && columns.shape == [3])
        let all = try T.run(try T.make("ReduceMean", ["keepdims": .integer(0)]), [x])
        #expect(all.floatValues == [3.5] && all.shape == [])
        let identity = try T.run(try T.make("ReduceMean", inputs: 2, ["noop_with_empty_axes": .integer(1)], opset: 18), [x, nil])
        #expect(identity.floatValues == x.floatValues)
        for axes in [[0], [1, 3], [-1, 0], [0, 1, 2, 3]] {
            for keep in [0, 1] {
                let operation = try T.make("ReduceMean", inputs: 2, ["keepdims": .integer(keep)], opset: 18)
                let mismatches = try OperatorGradientChecking.check(operation, inputs: [OperatorGradientChecking.random([2, 3, 2, 2], seed: 5), T.integers(axes)])
                #expect(mismatches.isEmpty, "axes \(axes) keepdims \(keep): \(mismatches)")
            }
        }
    }
}
