import Testing
@testable import SZNNEngine

/// Conv: forward against a naive direct convolution, gradients against finite differences,
/// for groups, depthwise, stride, asymmetric pads, dilation, auto_pad and 1-D inputs.
@Suite struct ConvOperatorTests {
    /// One configuration: input shape, output channels, kernel, and the node's attributes.
    struct Case: CustomStringConvertible {
        var input: [Int] = [2, 4, 5, 6]
        var outputChannels = 4
        var kernel = [3, 3]
        var group = 1
        var strides = [1, 1]
        var pads = [0, 0, 0, 0]
        var dilations = [1, 1]
        var autoPad: String?
        var bias = true

        var description: String { "input \(input) group \(group) strides \(strides) pads \(pads) dilations \(dilations) auto_pad \(autoPad ?? "-")" }

        func node() -> GraphNode {
            var attributes: [String: GraphAttribute] = ["group": .integer(group), "strides": .integers(strides),
                                                        "dilations": .integers(dilations), "kernel_shape": .integers(kernel)]
            if let autoPad { attributes["auto_pad"] = .string(autoPad) } else { attributes["pads"] = .integers(pads) }
            return GraphNode(name: "conv", operatorType: "Conv", inputs: bias ? ["x", "w", "b"] : ["x", "w"], outputs: ["y"],
                             attributes: attributes)
        }

        func inputs() -> [GraphValue?] {
            let weight = [outputChannels, input[1] / group] + kernel
            let values: [GraphValue?] = [OperatorGradientChecking.random(input, seed: 11), OperatorGradientChecking.random(weight, seed: 12)]
            return bias ? values + [OperatorGradientChecking.random([outputChannels], seed: 13)] : values
        }
    }

    static let cases: [Case] = [
        Case(),
        Case(group: 2),
        Case(input: [2, 4, 5, 6], outputChannels: 8, group: 4),
        Case(strides: [2, 2], bias: false),
        Case(pads: [1, 0, 2, 1]),
        Case(dilations: [2, 2]),
        Case(strides: [2, 1], pads: [0, 2, 1, 0], dilations: [1, 2]),
        Case(kernel: [2, 3], strides: [2, 2], autoPad: "SAME_UPPER"),
        Case(kernel: [2, 2], autoPad: "SAME_LOWER"),
        Case(kernel: [3, 3], strides: [2, 2], autoPad: "VALID"),
    ]

    /// A direct convolution with explicit pads [top, left, bottom, right], written independently of im2col.
    static func directConvolution(_ x: FloatTensor, _ w: FloatTensor, bias: [Float]?, group: Int,
                                  strides: [Int], pads: [Int], dilations: [Int]) -> FloatTensor {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (outputs, groupChannels, kernelHeight, kernelWidth) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let outHeight = (height + pads[0] + pads[2] - dilations[0] * (kernelHeight - 1) - 1) / strides[0] + 1
        let outWidth = (width + pads[1] + pads[3] - dilations[1] * (kernelWidth - 1) - 1) / strides[1] + 1
        var y = [Float](repeating: 0, count: batch * outputs * outHeight * outWidth)
        for n in 0..<batch {
            for o in 0..<outputs {
                let firstChannel = o / (outputs / group) * groupChannels
                for i in 0..<outHeight {
                    for j in 0..<outWidth {
                        var sum = Double(bias?[o] ?? 0)
                        for c in 0..<groupChannels {
                            for p in 0..<kernelHeight {
                                for q in 0..<kernelWidth {
                                    let row = i * strides[0] - pads[0] + p * dilations[0]
                                    let column = j * strides[1] - pads[1] + q * dilations[1]
                                    guard row >= 0, row < height, column >= 0, column < width else { continue }
                                    let xValue = x.values[((n * channels + firstChannel + c) * height + row) * width + column]
                                    let wValue = w.values[((o * groupChannels + c) * kernelHeight + p) * kernelWidth + q]
                                    sum += Double(xValue) * Double(wValue)
                                }
                            }
                        }
                        y[((n * outputs + o) * outHeight + i) * outWidth + j] = Float(sum)
                    }
                }
            }
        }
        return FloatTensor(computedShape: [batch, outputs, outHeight, outWidth], values: y)
    }

    /// The explicit pads auto_pad stands for (ONNX: total = (⌈in/s⌉ − 1)·s + span − in; the odd one at the end for SAME_UPPER).
    static func explicitPads(_ testCase: Case) -> [Int] {
        guard let autoPad = testCase.autoPad else { return testCase.pads }
        guard autoPad != "VALID" else { return [0, 0, 0, 0] }
        var begin: [Int] = [], end: [Int] = []
        for axis in 0..<2 {
            let size = testCase.input[2 + axis], stride = testCase.strides[axis]
            let span = testCase.dilations[axis] * (testCase.kernel[axis] - 1) + 1
            let total = max(0, ((size + stride - 1) / stride - 1) * stride + span - size)
            begin.append(autoPad == "SAME_UPPER" ? total / 2 : total - total / 2)
            end.append(total - begin[axis])
        }
        return begin + end
    }

    @Test(arguments: cases) func forwardMatchesDirectConvolution(_ testCase: Case) throws {
        let inputs = testCase.inputs()
        let (x, w) = (inputs[0].floats, inputs[1].floats)
        let bias = testCase.bias ? inputs[2].floats.values : nil
        let expected = Self.directConvolution(x, w, bias: bias, group: testCase.group, strides: testCase.strides,
                                              pads: Self.explicitPads(testCase), dilations: testCase.dilations)
        let y = try ConvOperator(testCase.node()).forward(inputs, mode: .inference)[0].floats
        let predicted = try ConvOperator(testCase.node()).forward(inputs, mode: .prediction)[0].floats
        #expect(predicted.shape == expected.shape && maximumDifference(predicted.values, expected.values) < 1e-5,
                "\(testCase): the one-image-at-a-time prediction path")
        #expect(y.shape == expected.shape, "\(testCase)")
        if testCase.autoPad?.hasPrefix("SAME") == true {
            #expect(Array(y.shape.suffix(2)) == [(testCase.input[2] + testCase.strides[0] - 1) / testCase.strides[0],
                                                 (testCase.input[3] + testCase.strides[1] - 1) / testCase.strides[1]])
        }
        let worst = maximumDifference(y.values, expected.values)
        #expect(worst < 1e-5, "\(testCase): max error \(worst)")
    }

    @Test(arguments: cases) func gradientsMatchFiniteDifferences(_ testCase: Case) throws {
        let mismatches = try OperatorGradientChecking.check(try ConvOperator(testCase.node()), inputs: testCase.inputs())
        #expect(mismatches.isEmpty, "\(testCase): \(mismatches)")
    }

    @Test func oneDimensionalConvolutionIsTheTwoDimensionalOneOverARow() throws {
        let node = GraphNode(name: "conv1d", operatorType: "Conv", inputs: ["x", "w", "b"], outputs: ["y"],
                             attributes: ["strides": .integers([2]), "pads": .integers([1, 2]), "dilations": .integers([2])])
        let inputs = [OperatorGradientChecking.random([2, 3, 9], seed: 1), OperatorGradientChecking.random([4, 3, 3], seed: 2),
                      OperatorGradientChecking.random([4], seed: 3)]
        let (x, w, b) = (inputs[0].floats, inputs[1].floats, inputs[2].floats)
        let y = try ConvOperator(node).forward(inputs, mode: .inference)[0].floats
        let expected = Self.directConvolution(x.reshaped([2, 3, 1, 9]), w.reshaped([4, 3, 1, 3]), bias: b.values, group: 1,
                                              strides: [1, 2], pads: [0, 1, 0, 2], dilations: [1, 2])
        #expect(y.shape == [2, 4, expected.shape[3]])
        #expect(maximumDifference(y.values, expected.values) < 1e-5)
        #expect(try OperatorGradientChecking.check(try ConvOperator(node), inputs: inputs).isEmpty)
    }

    @Test func inputGradientIsSkippedWhenNotNeeded() throws {
        let testCase = Case()
        let operation = try ConvOperator(testCase.node())
        let y = try operation.forward(testCase.inputs(), mode: .training)[0].floats
        let gradients = try operation.backward([FloatTensor(zeros: y.shape)], needed: [false, true, true])
        #expect(gradients[0] == nil && gradients[1] != nil && gradients[2] != nil)
    }

    @Test func mismatchedGroupAndKernelShapeAreNamed() throws {
        var grouped = Case(group: 3)
        grouped.input = [1, 4, 5, 5]
        #expect(throws: EngineError.self) { try ConvOperator(grouped.node()).forward(Case().inputs(), mode: .inference) }
        var declared = Case()
        declared.kernel = [3, 3]
        var node = declared.node()
        node.attributes["kernel_shape"] = .integers([2, 2])
        #expect {
            try ConvOperator(node).forward(declared.inputs(), mode: .inference)
        } throws: { error in
            ((error as? EngineError)?.message ?? "").contains("kernel_shape")
        }
    }
}
