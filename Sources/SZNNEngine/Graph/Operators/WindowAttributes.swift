/// The window attributes shared by Conv and the pools: kernel_shape, strides, pads, dilations,
/// auto_pad and ceil_mode, read once from the node and resolved per input shape.
struct WindowAttributes {
    let node: GraphNode
    /// `nil` when the node leaves it to the weight's shape (Conv).
    let kernelShape: [Int]?
    let strides: [Int]
    let pads: [Int]
    let dilations: [Int]
    let autoPad: String
    let ceilMode: Bool

    init(_ node: GraphNode) throws {
        let attributes = NodeAttributes(node)
        self.node = node
        kernelShape = node.attributes["kernel_shape"] == nil ? nil : try attributes.integers("kernel_shape", default: [])
        strides = try attributes.integers("strides", default: [])
        pads = try attributes.integers("pads", default: [])
        dilations = try attributes.integers("dilations", default: [])
        autoPad = try attributes.string("auto_pad", default: "NOTSET")
        ceilMode = try attributes.integer("ceil_mode", default: 0) != 0
        guard ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"].contains(autoPad) else {
            throw attributes.unsupported("auto_pad '\(autoPad)'")
        }
    }

    /// The (rows, columns) axes for an input of spatial size `spatial` (1 or 2 axes) and `kernel`
    /// taps per axis; a 1-D input gets a trivial row axis.
    func axes(spatial: [Int], kernel: [Int]) throws -> (rows: WindowAxis, columns: WindowAxis) {
        let rank = spatial.count
        guard rank == 1 || rank == 2, kernel.count == rank else {
            throw NodeAttributes(node).unsupported("a window over \(rank) spatial axes with kernel \(kernel)")
        }
        let strides = try perAxis(self.strides, "strides", rank: rank)
        let dilations = try perAxis(self.dilations, "dilations", rank: rank)
        guard pads.isEmpty || pads.count == 2 * rank else { throw invalid("pads \(pads) for \(rank) spatial axes") }
        var axes: [WindowAxis] = []
        for index in 0..<rank {
            let padding = pads.isEmpty ? (0, 0) : (pads[index], pads[index + rank])
            axes.append(try axis(input: spatial[index], kernel: kernel[index], stride: strides[index],
                                 dilation: dilations[index], pads: padding))
        }
        return rank == 1 ? (.trivial, axes[0]) : (axes[0], axes[1])
    }

    private func axis(input: Int, kernel: Int, stride: Int, dilation: Int, pads: (Int, Int)) throws -> WindowAxis {
        guard input > 0, kernel > 0, stride > 0, dilation > 0, pads.0 >= 0, pads.1 >= 0 else {
            throw invalid("window kernel \(kernel), stride \(stride), dilation \(dilation), pads \(pads) over \(input)")
        }
        let span = dilation * (kernel - 1) + 1
        var begin = pads.0, end = pads.1, output: Int
        switch autoPad {
        case "VALID":
            begin = 0
            end = 0
            output = input >= span ? (input - span) / stride + 1 : 0
        case "SAME_UPPER", "SAME_LOWER":
            output = ceilingDivision(input, stride)
            let total = max(0, (output - 1) * stride + span - input)
            begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
            end = total - begin
        default:
            let room = input + begin + end - span
            guard room >= 0 else { throw invalid("window span \(span) larger than the padded input \(input + begin + end)") }
            output = (ceilMode ? ceilingDivision(room, stride) : room / stride) + 1
            // A last window that would start inside the end padding is dropped (as ONNX Runtime and PyTorch do).
            if ceilMode && (output - 1) * stride >= input + begin { output -= 1 }
        }
        guard output > 0 else { throw invalid("window span \(span) leaves no output over \(input)") }
        return WindowAxis(inputSize: input, kernelSize: kernel, stride: stride, dilation: dilation,
                          padBegin: begin, padEnd: end, outputSize: output)
    }

    private func perAxis(_ values: [Int], _ name: String, rank: Int) throws -> [Int] {
        if values.isEmpty { return [Int](repeating: 1, count: rank) }
        guard values.count == rank else { throw invalid("\(name) \(values) for \(rank) spatial axes") }
        return values
    }

    private func invalid(_ what: String) -> EngineError {
        EngineError(.architectureMismatch, "node \(node.displayName) (\(node.operatorType)): \(what)")
    }
}
