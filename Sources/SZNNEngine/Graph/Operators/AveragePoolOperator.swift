/// ONNX AveragePool over [N, C, H, W] or [N, C, L]: kernel_shape, strides, pads, dilations,
/// auto_pad, ceil_mode and count_include_pad.
///
/// The divisor counts the taps inside the input, or with count_include_pad those inside the
/// padded extent (a ceil_mode window hanging past the end padding is clipped, as in PyTorch).
final class AveragePoolOperator: GraphOperator {
    private let node: GraphNode
    private let window: WindowAttributes
    private let countsPadding: Bool
    private var windows: PoolWindows?
    /// 1 / divisor per output pixel (the same for every plane).
    private var reciprocals: [Float] = []

    init(_ node: GraphNode) throws {
        self.node = node
        window = try WindowAttributes(node)
        countsPadding = try NodeAttributes(node).integer("count_include_pad", default: 0) != 0
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard let value = inputs.first ?? nil else { throw NodeAttributes(node).unsupported("a missing input") }
        let input = try value.floatTensor(node, input: 0)
        let windows = try PoolWindows(window, input: input)
        self.windows = windows
        reciprocals = []
        for (outRow, row) in windows.rowTaps.enumerated() {
            for (outColumn, column) in windows.columnTaps.enumerated() {
                let count = countsPadding
                    ? windows.rows.paddedTapCount(output: outRow) * windows.columns.paddedTapCount(output: outColumn)
                    : row.taps.count * column.taps.count
                reciprocals.append(count > 0 ? 1 / Float(count) : 0)
            }
        }
        var output = [Float](repeating: 0, count: windows.planes * windows.outputPixels)
        input.values.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { out in
                forEachTap(windows) { outIndex, inIndex, _ in out[outIndex] += x[inIndex] }
                for index in 0..<out.count { out[index] *= reciprocals[index % windows.outputPixels] }
            }
        }
        return [.float(FloatTensor(computedShape: windows.outputShape, values: output))]
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let dy = outputGradients.first ?? nil, needed.first == true, let windows else { return needed.map { _ in nil } }
        var inputGradient = [Float](repeating: 0, count: windows.inputShape.reduce(1, *))
        dy.values.withUnsafeBufferPointer { g in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                forEachTap(windows) { outIndex, inIndex, pixel in dx[inIndex] += g[outIndex] * reciprocals[pixel] }
            }
        }
        return [FloatTensor(computedShape: windows.inputShape, values: inputGradient)]
    }

    /// Calls `body(outputIndex, inputIndex, outputPixel)` for every window tap that reads the input.
    @inline(__always)
    private func forEachTap(_ windows: PoolWindows, _ body: (Int, Int, Int) -> Void) {
        let width = windows.columns.inputSize
        let rowDilation = windows.rows.dilation, columnDilation = windows.columns.dilation
        for plane in 0..<windows.planes {
            let planeStart = plane * windows.inputPixels
            var pixel = 0
            for row in windows.rowTaps {
                for column in windows.columnTaps {
                    let outIndex = plane * windows.outputPixels + pixel
                    for tapRow in row.taps {
                        let lineStart = planeStart + (row.origin + tapRow * rowDilation) * width + column.origin
                        for tapColumn in column.taps { body(outIndex, lineStart + tapColumn * columnDilation, pixel) }
                    }
                    pixel += 1
                }
            }
        }
    }
}
