/// ONNX GlobalAveragePool / GlobalMaxPool: one value per (sample, channel) over all spatial axes,
/// output [N, C, 1, …, 1] of the input's rank.
final class GlobalPoolOperator: GraphOperator {
    /// Which reduction the node applies.
    enum Reduction { case average, maximum }

    private let node: GraphNode
    private let reduction: Reduction
    private var inputShape: [Int] = []
    /// GlobalMaxPool: the flat input index of each plane's maximum.
    private var winners: [Int] = []

    init(_ node: GraphNode, reduction: Reduction) {
        self.node = node
        self.reduction = reduction
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard let value = inputs.first ?? nil else { throw NodeAttributes(node).unsupported("a missing input") }
        let input = try value.floatTensor(node, input: 0)
        guard input.shape.count >= 3 else { throw NodeAttributes(node).unsupported("input \(input.shape) without spatial axes") }
        inputShape = input.shape
        let planes = input.shape[0] * input.shape[1], pixels = input.shape.dropFirst(2).reduce(1, *)
        var output = [Float](repeating: 0, count: planes)
        winners = reduction == .maximum ? [Int](repeating: 0, count: planes) : []
        input.values.withUnsafeBufferPointer { x in
            for plane in 0..<planes {
                let start = plane * pixels
                switch reduction {
                case .average:
                    var sum: Float = 0
                    for index in start..<(start + pixels) { sum += x[index] }
                    output[plane] = sum / Float(pixels)
                case .maximum:
                    var best = start
                    for index in start..<(start + pixels) where x[index] > x[best] { best = index }
                    output[plane] = x[best]
                    winners[plane] = best
                }
            }
        }
        let shape = Array(input.shape.prefix(2)) + [Int](repeating: 1, count: input.shape.count - 2)
        return [.float(FloatTensor(computedShape: shape, values: output))]
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let dy = outputGradients.first ?? nil, needed.first == true else { return needed.map { _ in nil } }
        let pixels = inputShape.dropFirst(2).reduce(1, *)
        var inputGradient = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for plane in 0..<dy.count {
            switch reduction {
            case .average:
                let share = dy.values[plane] / Float(pixels)
                for index in (plane * pixels)..<((plane + 1) * pixels) { inputGradient[index] = share }
            case .maximum:
                inputGradient[winners[plane]] = dy.values[plane]
            }
        }
        return [FloatTensor(computedShape: inputShape, values: inputGradient)]
    }
}
