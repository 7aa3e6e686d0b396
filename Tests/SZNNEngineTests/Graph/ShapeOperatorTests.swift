import Testing
@testable import SZNNEngine

/// Shape and data-movement operators: forward values by hand, gradients by finite differences.
@Suite struct ShapeOperatorTests {
    typealias T = TensorOperatorTesting
    static let counting = T.floats((0..<24).map(Float.init), shape: [2, 3, 4])

    @Test func reshapeCopiesZerosAndInfersMinusOne() throws {
        #expect(try T.run(try T.make("Reshape", inputs: 2), [Self.counting, T.integers([0, -1])]).shape == [2, 12])
        #expect(try T.run(try T.make("Reshape", inputs: 2), [Self.counting, T.integers([-1, 0, 2])]).shape == [4, 3, 2])
        let empty = T.floats([], shape: [0, 3])
        #expect(try T.run(try T.make("Reshape", inputs: 2, ["allowzero": .integer(1)]), [empty, T.integers([3, 0])]).shape == [3, 0])
        #expect(throws: EngineError.self) { try T.run(try T.make("Reshape", inputs: 2), [Self.counting, T.integers([5, -1])]) }
        let mismatches = try OperatorGradientChecking.check(try T.make("Reshape", inputs: 2), inputs: [OperatorGradientChecking.random([2, 6], seed: 1), T.integers([3, 4])])
        #expect(mismatches.isEmpty)
    }

    @Test func squeezeAndUnsqueezeWithNegativeAxes() throws {
        let x = T.floats([1, 2, 3], shape: [1, 3, 1])
        #expect(try T.run(try T.make("Squeeze", inputs: 2), [x, T.integers([-1])]).shape == [1, 3])
        #expect(try T.run(try T.make("Squeeze"), [x]).shape == [3])
        #expect(try T.run(try T.make("Squeeze", ["axes": .integers([0])], opset: 11), [x]).shape == [3, 1])
        #expect(try T.run(try T.make("Unsqueeze", inputs: 2), [x, T.integers([0, -1])]).shape == [1, 1, 3, 1, 1])
        #expect(try T.run(try T.make("Unsqueeze", inputs: 2), [T.integers([5], shape: []), T.integers([0])]).intValues == [5])
        #expect(throws: EngineError.self) { try T.run(try T.make("Squeeze", inputs: 2), [x, T.integers([1])]) }
    }

    @Test func transposeValuesAndGradient() throws {
        let y = try T.run(try T.make("Transpose", ["perm": .integers([2, 0, 1])]), [Self.counting])
        #expect(y.shape == [4, 2, 3])
        #expect(Array(y.floatValues.prefix(7)) == [0, 4, 8, 12, 16, 20, 1])
        #expect(try T.run(try T.make("Transpose"), [T.integers([1, 2, 3, 4, 5, 6], shape: [2, 3])]).intValues == [1, 4, 2, 5, 3, 6])
        let mismatches = try OperatorGradientChecking.check(try T.make("Transpose", ["perm": .integers([1, 2, 0])]),
                                                            inputs: [OperatorGradientChecking.random([2, 3, 4], seed: 2)])
        #expect(mismatches.isEmpty)
    }

    @Test func sliceNegativeClampedAndReversed() throws {
        let x = T.floats((0..<10).map(Float.init))
        let slice = try T.make("Slice", inputs: 5)
        #expect(try T.run(slice, [x, T.integers([-3]), T.integers([100]), nil, nil]).floatValues == [7, 8, 9])
        #expect(try T.run(slice, [x, T.integers([8]), T.integers([1]), T.integers([0]), T.integers([-3])]).floatValues == [8, 5, 2])
        #expect(try T.run(slice, [x, T.integers([100]), T.integers([-100]), nil, T.integers([-1])]).floatValues == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
        #expect(try T.run(slice, [x, T.integers([5]), T.integers([2]), nil, nil]).shape == [0])
        let rows = try T.run(slice, [Self.counting, T.integers([1, -1]), T.integers([3, 0]), T.integers([-2, 2]), T.integers([1, -2])])
        #expect(rows.shape == [2, 2, 2])
        #expect(rows.floatValues == [7, 5, 11, 9, 19, 17, 23, 21])
        let mismatches = try OperatorGradientChecking.check(try T.make("Slice", inputs: 5),
                                                            inputs: [OperatorGradientChecking.random([2, 3, 4], seed: 3), T.integers([0, 3]),
                                                                     T.integers([1, 0]), T.integers([0, 2]), T.integers([1, -2])])
        #expect(mismatches.isEmpty)
    }

    @Test func concatAndSplitAlongNegativeAxes() throws {
        let joined = try T.run(try T.make("Concat", inputs: 2, ["axis": .integer(-1)]),
                               [T.floats([1, 2, 3, 4], shape: [2, 2]), T.floats([9, 8], shape: [2, 1])])
        #expect(joined.floatValues == [1, 2, 9, 3, 4, 8] && joined.shape == [2, 3])
        #expect(try T.run(try T.make("Concat", inputs: 2), [T.integers([-1]), T.integers([6, 7])]).intValues == [-1, 6, 7])
        let concat = try OperatorGradientChecking.check(try T.make("Concat", inputs: 3, ["axis": .integer(1)]),
                                                        inputs: [OperatorGradientChecking.random([2, 1, 2], seed: 1),
                                                                 OperatorGradientChecking.random([2, 3, 2], seed: 2),
                                                                 OperatorGradientChecking.random([2, 2, 2], seed: 3)])
        #expect(concat.isEmpty, "\(concat)")
        let parts = try T.make("Split", inputs: 2, outputs: 2, ["axis": .integer(-1)]).forward([Self.counting, T.integers([1, 3])], mode: .inference)
        #expect(parts.map(\.shape) == [[2, 3, 1], [2, 3, 3]])
        #expect(Array(parts[1].floatValues.prefix(4)) == [1, 2, 3, 5])
        let even = try T.make("Split", outputs: 3, ["axis": .integer(0), "num_outputs": .integer(3)], opset: 18)
            .forward([T.floats((0..<7).map(Float.init))], mode: .inference)
        #expect(even.map(\.shape) == [[3], [3], [1]])
        let split = try OperatorGradientChecking.check(try T.make("Split", inputs: 2, outputs: 3, ["axis": .integer(1)]),
                                                       inputs: [OperatorGradientChecking.random([2, 5, 2], seed: 4), T.integers([2, 1, 2])])
        #expect(split.isEmpty, "\(split)")
    }

    @Test func gatherIndicesOfAnyRankAndScatterGradient() throws {
        let table = T.floats([0, 1, 10, 11, 20, 21], shape: [3, 2])
        let embedded = try T.run(try T.make("Gather", inputs: 2), [table, T.integers([2, -3, 2, 1], shape: [2, 2])])
        #expect(embedded.shape == [2, 2, 2] && embedded.floatValues == [20, 21, 0, 1, 20, 21, 10, 11])
        let token = try T.run(try T.make("Gather", inputs: 2, ["axis": .integer(1)]), [Self.counting, T.integers([-1], shape: [])])
        #expect(token.shape == [2, 4] && token.floatValues == [8, 9, 10, 11, 20, 21, 22, 23])
        #expect(try T.run(try T.make("Gather", inputs: 2), [T.integers([4, 3, 28, 28]), T.integers([0], shape: [])]).intValues == [4])
        #expect(throws: EngineError.self) { try T.run(try T.make("Gather", inputs: 2), [table, T.integers([3])]) }
        let mismatches = try OperatorGradientChecking.check(try T.make("Gather", inputs: 2, ["axis": .integer(-2)]),
                                                            inputs: [OperatorGradientChecking.random([2, 3, 2], seed: 5), T.integers([2, 0, 2, -1], shape: [2, 2])])
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func expandBroadcastsBothWaysWithGradient() throws {
        let y = try T.run(try T.make("Expand", inputs: 2), [T.floats([1, 2, 3], shape: [3, 1]), T.integers([2, 1, 2])])
        #expect(y.shape == [2, 3, 2] && y.floatValues == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3])
        let mismatches = try OperatorGradientChecking.check(try T.make("Expand", inputs: 2),
                                                            inputs: [OperatorGradientChecking.random([3, 1], seed: 6), T.integers([2, 3, 4])])
        #expect(mismatches.isEmpty)
    }

    @Test func shapeConstantsCastAndRange() throws {
        #expect(try T.run(try T.make("Shape"), [Self.counting]).intValues == [2, 3, 4])
        #expect(try T.run(try T.make("Shape", ["start": .integer(-2)]), [Self.counting]).intValues == [3, 4])
        #expect(try T.run(try T.make("Shape", ["start": .integer(1), "end": .integer(-1)]), [Self.counting]).intValues == [3])
        #expect(try T.run(try T.make("Constant", inputs: 0, ["value_ints": .integers([1, -1])]), []).intValues == [1, -1])
        #expect(try T.run(try T.make("Constant", inputs: 0, ["value_float": .float(0.5)]), []).shape == [])
        let tensor = GraphConstant(name: "c", shape: [2], value: .float([3, 4]))
        #expect(try T.run(try T.make("Constant", inputs: 0, ["value": .tensor(tensor)]), []).floatValues == [3, 4])
        let filled = try T.run(try T.make("ConstantOfShape", ["value": .tensor(GraphConstant(name: "v", shape: [1], value: .integer([7])))]),
                               [T.integers([2, 2])])
        #expect(filled.intValues == [7, 7, 7, 7] && filled.shape == [2, 2])
        #expect(try T.run(try T.make("ConstantOfShape"), [T.integers([3])]).floatValues == [0, 0, 0])
        #expect(try T.run(try T.make("Cast", ["to": .integer(7)]), [T.floats([1.9, -1.9, 0])]).intValues == [1, -1, 0])
        #expect(try T.run(try T.make("Cast", ["to": .integer(9)]), [T.floats([2, 0])]).intValues == [1, 0])
        #expect(try T.run(try T.make("Cast", ["to": .integer(1)]), [T.integers([3, -2])]).floatValues == [3, -2])
        #expect(throws: EngineError.self) { try T.make("Cast", ["to": .integer(8)]) }
        let cast = try OperatorGradientChecking.check(try T.make("Cast", ["to": .integer(1)]), inputs: [OperatorGradientChecking.random([3], seed: 1)])
        #expect(cast.isEmpty)
        let range = try T.make("Range", inputs: 3)
        #expect(try T.run(range, [T.integers([10], shape: []), T.integers([1], shape: []), T.integers([-3], shape: [])]).intValues == [10, 7, 4])
        #expect(try T.run(range, [T.floats([0], shape: []), T.floats([1], shape: []), T.floats([0.25], shape: [])]).floatValues == [0, 0.25, 0.5, 0.75])
    }
}
