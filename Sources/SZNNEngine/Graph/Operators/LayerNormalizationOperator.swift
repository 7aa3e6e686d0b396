/// ONNX LayerNormalization: normalizes over the axes from `axis` (default −1) to the end, then
/// applies scale and optional bias (each with the normalized axes' element count, or one value).
/// Outputs Y and, when the node names them, Mean and InvStdDev (shape [before axis…, 1, …]).
final class LayerNormalizationOperator: GraphOperator {
    private let node: GraphNode
    private let axis: Int
    private let epsilon: Float
    private var normalized: [Float] = [], inverseDeviations: [Float] = [], scale: [Float] = []
    private var inputShape: [Int] = [], scaleShape: [Int] = [], biasShape: [Int]?
    private var rows = 0, columns = 0

    init(_ node: GraphNode) throws {
        self.node = node
        let attributes = NodeAttributes(node)
        axis = try attributes.integer("axis", default: -1)
        epsilon = try attributes.float("epsilon", default: 1e-5)
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard inputs.count >= 2, let first = inputs[0], let second = inputs[1] else {
            throw NodeAttributes(node).unsupported("an absent X or Scale input")
        }
        let x = try first.floatTensor(node, input: 0)
        let axis = try ShapeArithmetic.axis(self.axis, rank: x.shape.count, node: node)
        inputShape = x.shape
        rows = x.shape[..<axis].reduce(1, *)
        columns = x.shape[axis...].reduce(1, *)
        let scaleTensor = try second.floatTensor(node, input: 1)
        scale = try perColumn(scaleTensor.values, "Scale")
        scaleShape = scaleTensor.shape
        var bias = [Float](repeating: 0, count: columns)
        biasShape = nil
        if inputs.count > 2, let third = inputs[2] {
            let biasTensor = try third.floatTensor(node, input: 2)
            bias = try perColumn(biasTensor.values, "B")
            biasShape = biasTensor.shape
        }
        normalized = [Float](repeating: 0, count: x.count)
        inverseDeviations = [Float](repeating: 0, count: rows)
        var means = [Float](repeating: 0, count: rows), output = [Float](repeating: 0, count: x.count)
        let count = Float(columns)
        for row in 0..<rows {
            let base = row * columns
            var sum: Float = 0
            for column in 0..<columns { sum += x.values[base + column] }
            let mean = sum / count
            var squares: Float = 0
            for column in 0..<columns { squares += (x.values[base + column] - mean) * (x.values[base + column] - mean) }
            let inverse = 1 / (squares / count + epsilon).squareRoot()
            means[row] = mean
            inverseDeviations[row] = inverse
            for column in 0..<columns {
                let value = (x.values[base + column] - mean) * inverse
                normalized[base + column] = value
                output[base + column] = value * scale[column] + bias[column]
            }
        }
        let statisticsShape = Array(x.shape[..<axis]) + Array(repeating: 1, count: x.shape.count - axis)
        let all: [GraphValue] = [.float(FloatTensor(computedShape: x.shape, values: output)),
                                 .float(FloatTensor(computedShape: statisticsShape, values: means)),
                                 .float(FloatTensor(computedShape: statisticsShape, values: inverseDeviations))]
        return Array(all.prefix(max(1, min(3, node.outputs.count))))
    }

    /// A scale or bias as one value per normalized element.
    private func perColumn(_ values: [Float], _ name: String) throws -> [Float] {
        if values.count == columns { return values }
        if values.count == 1 { return [Float](repeating: values[0], count: columns) }
        throw NodeAttributes(node).unsupported("\(name) with \(values.count) values for \(columns) normalized elements")
    }

    /// dx = inv · (dx̂ − mean dx̂ − x̂ · mean(dx̂ · x̂)) with dx̂ = dy · scale, plus the Mean and
    /// InvStdDev outputs' own gradients; dScale = Σ dy · x̂, dB = Σ dy over the rows.
    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        var dx = [Float](repeating: 0, count: rows * columns)
        var dScale = [Float](repeating: 0, count: columns), dBias = [Float](repeating: 0, count: columns)
        let dy = outputGradients.first ?? nil
        let dMean = outputGradients.count > 1 ? outputGradients[1] : nil
        let dInverse = outputGradients.count > 2 ? outputGradients[2] : nil
        let count = Float(columns)
        for row in 0..<rows {
            let base = row * columns, inverse = inverseDeviations[row]
            if let dy {
                var sum: Float = 0, dot: Float = 0
                for column in 0..<columns {
                    let g = dy.values[base + column]
                    let dNormalized = g * scale[column]
                    sum += dNormalized
                    dot += dNormalized * normalized[base + column]
                    dScale[column] += g * normalized[base + column]
                    dBias[column] += g
                }
                for column in 0..<columns {
                    let dNormalized = dy.values[base + column] * scale[column]
                    dx[base + column] = inverse * (dNormalized - sum / count - normalized[base + column] * dot / count)
                }
            }
            let fromMean = (dMean?.values[row] ?? 0) / count
            let fromInverse = -(dInverse?.values[row] ?? 0) * inverse * inverse / count
            if fromMean != 0 || fromInverse != 0 {
                for column in 0..<columns { dx[base + column] += fromMean + fromInverse * normalized[base + column] }
            }
        }
        var result: [FloatTensor?] = needed.map { _ in nil }
        if needed[0] { result[0] = FloatTensor(computedShape: inputShape, values: dx) }
        if needed.count > 1 && needed[1] { result[1] = FloatTensor(computedShape: scaleShape, values: collapse(dScale, scaleShape)) }
        if needed.count > 2 && needed[2], let biasShape { result[2] = FloatTensor(computedShape: biasShape, values: collapse(dBias, biasShape)) }
        return result
    }

    /// A per-column gradient summed to a single value when the parameter was one value.
    private func collapse(_ gradient: [Float], _ shape: [Int]) -> [Float] {
        shape.reduce(1, *) == gradient.count ? gradient : [gradient.reduce(0, +)]
    }
}
