import Testing
@testable import SZNNEngine

/// MaxPool, AveragePool and the global pools: forward against a naive pool, gradients against
/// finite differences, with pads, strides, dilations, ceil_mode and count_include_pad.
@Suite struct PoolOperatorTests {
    /// One pooling configuration over a [2, 3, 7, 6] input.
    struct Case: CustomStringConvertible {
        var kernel = [3, 3]
        var strides = [2, 2]
        var pads = [0, 0, 0, 0]
        var dilations = [1, 1]
        var ceilMode = false
        var countIncludePad = false

        var description: String { "kernel \(kernel) strides \(strides) pads \(pads) dilations \(dilations) ceil \(ceilMode) include_pad \(countIncludePad)" }

        func node(_ type: String) -> GraphNode {
            testNode(type, inputs: ["x"], ["kernel_shape": .integers(kernel), "strides": .integers(strides), "pads": .integers(pads),
                                          "dilations": .integers(dilations), "ceil_mode": .integer(ceilMode ? 1 : 0),
                                          "count_include_pad": .integer(countIncludePad ? 1 : 0)])
        }
    }

    static let shape = [2, 3, 7, 6]
    static let cases: [Case] = [
        Case(),
        Case(kernel: [2, 2], strides: [1, 1]),
        Case(pads: [1, 0, 2, 1]),
        Case(pads: [1, 1, 1, 1], countIncludePad: true),
        Case(ceilMode: true),
        Case(pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true),
        Case(kernel: [2, 3], strides: [1, 2], dilations: [2, 1]),
    ]

    /// A direct pool over explicit geometry: the output size rule, then each window's taps.
    static func directPool(_ x: FloatTensor, _ testCase: Case, average: Bool) -> FloatTensor {
        let (planes, height, width) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        func outputSize(_ size: Int, _ axis: Int) -> Int {
            let room = size + testCase.pads[axis] + testCase.pads[axis + 2] - testCase.dilations[axis] * (testCase.kernel[axis] - 1) - 1
            let stride = testCase.strides[axis]
            var count = (testCase.ceilMode ? (room + stride - 1) / stride : room / stride) + 1
            if testCase.ceilMode && (count - 1) * stride >= size + testCase.pads[axis] { count -= 1 }
            return count
        }
        let (outHeight, outWidth) = (outputSize(height, 0), outputSize(width, 1))
        var y: [Float] = []
        for plane in 0..<planes {
            for i in 0..<outHeight {
                for j in 0..<outWidth {
                    var best = -Float.infinity, sum: Float = 0, inside = 0, padded = 0
                    for p in 0..<testCase.kernel[0] {
                        for q in 0..<testCase.kernel[1] {
                            let row = i * testCase.strides[0] - testCase.pads[0] + p * testCase.dilations[0]
                            let column = j * testCase.strides[1] - testCase.pads[1] + q * testCase.dilations[1]
                            if row < height + testCase.pads[2] && column < width + testCase.pads[3] { padded += 1 }
                            guard row >= 0, row < height, column >= 0, column < width else { continue }
                            let value = x.values[(plane * height + row) * width + column]
                            best = max(best, value)
                            sum += value
                            inside += 1
                        }
                    }
                    y.append(average ? sum / Float(testCase.countIncludePad ? padded : inside) : best)
                }
            }
        }
        return FloatTensor(computedShape: [x.shape[0], x.shape[1], outHeight, outWidth], values: y)
    }

    @Test(arguments: cases) func forwardMatchesDirectPools(_ testCase: Case) throws {
        let x = OperatorGradientChecking.random(Self.shape, seed: 4)
        let maximum = try MaxPoolOperator(testCase.node("MaxPool")).forward([x], mode: .inference)[0].floats
        let expectedMaximum = Self.directPool(x.floats, testCase, average: false)
        #expect(maximum.shape == expectedMaximum.shape && maximumDifference(maximum.values, expectedMaximum.values) == 0, "\(testCase)")
        let average = try AveragePoolOperator(testCase.node("AveragePool")).forward([x], mode: .inference)[0].floats
        let expectedAverage = Self.directPool(x.floats, testCase, average: true)
        #expect(average.shape == expectedAverage.shape && maximumDifference(average.values, expectedAverage.values) < 1e-6, "\(testCase)")
    }

    @Test(arguments: cases) func gradientsMatchFiniteDifferences(_ testCase: Case) throws {
        let x = OperatorGradientChecking.kinkFree(Self.shape, seed: 5)
        let maximum = try OperatorGradientChecking.check(try MaxPoolOperator(testCase.node("MaxPool")), inputs: [x])
        #expect(maximum.isEmpty, "MaxPool \(testCase): \(maximum)")
        let average = try OperatorGradientChecking.check(try AveragePoolOperator(testCase.node("AveragePool")), inputs: [x])
        #expect(average.isEmpty, "AveragePool \(testCase): \(average)")
    }

    @Test func sameUpperPoolKeepsTheCeilingOfSizeOverStride() throws {
        let node = testNode("MaxPool", inputs: ["x"], ["kernel_shape": .integers([3, 3]), "strides": .integers([2, 2]),
                                                       "auto_pad": .string("SAME_UPPER")])
        let y = try MaxPoolOperator(node).forward([OperatorGradientChecking.random(Self.shape, seed: 1)], mode: .inference)[0].floats
        #expect(y.shape == [2, 3, 4, 3])
        #expect(try OperatorGradientChecking.check(try MaxPoolOperator(node), inputs: [OperatorGradientChecking.kinkFree(Self.shape, seed: 2)]).isEmpty)
    }

    @Test func globalPoolsReduceEverySpatialAxis() throws {
        let x = OperatorGradientChecking.kinkFree([2, 3, 4, 5], seed: 6)
        let average = try GlobalPoolOperator(testNode("GlobalAveragePool", inputs: ["x"]), reduction: .average).forward([x], mode: .inference)[0].floats
        let maximum = try GlobalPoolOperator(testNode("GlobalMaxPool", inputs: ["x"]), reduction: .maximum).forward([x], mode: .inference)[0].floats
        #expect(average.shape == [2, 3, 1, 1] && maximum.shape == [2, 3, 1, 1])
        let plane = Array(x.floats.values[20..<40])
        #expect(abs(average.values[1] - plane.reduce(0, +) / 20) < 1e-6)
        #expect(maximum.values[1] == plane.max())
        for reduction in [GlobalPoolOperator.Reduction.average, .maximum] {
            let mismatches = try OperatorGradientChecking.check(GlobalPoolOperator(testNode("GlobalPool", inputs: ["x"]), reduction: reduction), inputs: [x])
            #expect(mismatches.isEmpty, "\(reduction): \(mismatches)")
        }
    }

    @Test func poolWithoutKernelShapeIsRejected() throws {
        #expect(throws: EngineError.self) {
            try MaxPoolOperator(testNode("MaxPool", inputs: ["x"])).forward([OperatorGradientChecking.random(Self.shape, seed: 1)], mode: .inference)
        }
    }
}
