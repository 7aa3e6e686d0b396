import Foundation

/// ONNX Softmax (opset ≥ 13): exp(x − max) / Σ exp along one axis (default −1).
final class SoftmaxOperator: GraphOperator {
    private let node: GraphNode
    private let axis: Int
    private var output = FloatTensor(zeros: [0])
    private var layout = (outer: 0, length: 0, inner: 0)

    init(_ node: GraphNode, opsetVersion: Int) throws {
        self.node = node
        guard opsetVersion >= 13 else {
            throw NodeAttributes(node).unsupported("opset \(opsetVersion) (coerced 2-D) semantics")
        }
        axis = try NodeAttributes(node).integer("axis", default: -1)
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard let first = inputs.first ?? nil else { throw NodeAttributes(node).unsupported("an absent input") }
        let input = try first.floatTensor(node, input: 0)
        let axis = try ShapeArithmetic.axis(self.axis, rank: input.shape.count, node: node)
        layout = ShapeArithmetic.split(input.shape, at: axis)
        let (outer, length, inner) = layout
        var values = input.values
        values.withUnsafeMutableBufferPointer { v in
            for block in 0..<outer {
                for column in 0..<inner {
                    let base = block * length * inner + column
                    var largest = -Float.infinity
                    for k in 0..<length { largest = max(largest, v[base + k * inner]) }
                    var sum: Float = 0
                    for k in 0..<length {
                        let e = expf(v[base + k * inner] - largest)
                        v[base + k * inner] = e
                        sum += e
                    }
                    for k in 0..<length { v[base + k * inner] /= sum }
                }
            }
        }
        output = FloatTensor(computedShape: input.shape, values: values)
        return [.float(output)]
    }

    /// dx = y · (dy − Σ dy · y) along the axis.
    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard var gradient = outputGradients.first ?? nil, needed.first == true else { return [nil] }
        let (outer, length, inner) = layout
        output.values.withUnsafeBufferPointer { y in
            gradient.values.withUnsafeMutableBufferPointer { g in
                for block in 0..<outer {
                    for column in 0..<inner {
                        let base = block * length * inner + column
                        var dot: Float = 0
                        for k in 0..<length { dot += g[base + k * inner] * y[base + k * inner] }
                        for k in 0..<length { g[base + k * inner] = y[base + k * inner] * (g[base + k * inner] - dot) }
                    }
                }
            }
        }
        return [gradient]
    }
}
