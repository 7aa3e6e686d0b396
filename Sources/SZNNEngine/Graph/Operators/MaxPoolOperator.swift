/// ONNX MaxPool over [N, C, H, W] or [N, C, L]: kernel_shape, strides, pads, dilations, auto_pad,
/// ceil_mode (storage_order only affects the Indices output, which is not produced).
///
/// Padding never wins; the gradient flows to each window's maximum (the first, on ties).
final class MaxPoolOperator: GraphOperator {
    private let node: GraphNode
    private let window: WindowAttributes
    private var inputShape: [Int] = []
    /// For each output element, the flat input index that won, or −1 for a window of padding only.
    private var winners: [Int32] = []

    init(_ node: GraphNode) throws {
        self.node = node
        window = try WindowAttributes(node)
        guard node.outputs.count < 2 || node.outputs[1].isEmpty else {
            throw NodeAttributes(node).unsupported("the Indices output")
        }
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard let value = inputs.first ?? nil else { throw NodeAttributes(node).unsupported("a missing input") }
        let input = try value.floatTensor(node, input: 0)
        let windows = try PoolWindows(window, input: input)
        inputShape = input.shape
        let outWidth = windows.columns.outputSize, width = windows.columns.inputSize
        let rowDilation = windows.rows.dilation, columnDilation = windows.columns.dilation
        var output = [Float](repeating: 0, count: windows.planes * windows.outputPixels)
        if winners.count != output.count { winners = [Int32](repeating: -1, count: output.count) }
        input.values.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { out in
                winners.withUnsafeMutableBufferPointer { best in
                    for plane in 0..<windows.planes {
                        let planeStart = plane * windows.inputPixels
                        for (outRow, row) in windows.rowTaps.enumerated() {
                            for (outColumn, column) in windows.columnTaps.enumerated() {
                                var bestValue = -Float.infinity, bestIndex = -1
                                for tapRow in row.taps {
                                    let lineStart = planeStart + (row.origin + tapRow * rowDilation) * width + column.origin
                                    for tapColumn in column.taps {
                                        let index = lineStart + tapColumn * columnDilation
                                        if bestIndex < 0 || x[index] > bestValue {
                                            bestValue = x[index]
                                            bestIndex = index
                                        }
                                    }
                                }
                                let outIndex = (plane * windows.rows.outputSize + outRow) * outWidth + outColumn
                                out[outIndex] = bestValue
                                best[outIndex] = Int32(bestIndex)
                            }
                        }
                    }
                }
            }
        }
        return [.float(FloatTensor(computedShape: windows.outputShape, values: output))]
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let dy = outputGradients.first ?? nil, needed.first == true else { return needed.map { _ in nil } }
        var inputGradient = [Float](repeating: 0, count: inputShape.reduce(1, *))
        dy.values.withUnsafeBufferPointer { g in
            winners.withUnsafeBufferPointer { best in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    for index in 0..<g.count where best[index] >= 0 { dx[Int(best[index])] += g[index] }
                }
            }
        }
        return [FloatTensor(computedShape: inputShape, values: inputGradient)]
    }
}
