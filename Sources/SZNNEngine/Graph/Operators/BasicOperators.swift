/// The operators that pass values through or clamp them: Identity, Relu.
extension OperatorRegistry {
    static let basicOperators: [String: Builder] = [
        "Identity": { _, _ in IdentityOperator() },
        "Relu": { _, _ in ReluOperator() },
    ]
}

/// Returns its input unchanged (any type); the gradient passes through.
final class IdentityOperator: GraphOperator {
    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard let input = inputs.first ?? nil else { throw EngineError(.architectureMismatch, "Identity without an input") }
        return [input]
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        [outputGradients.first ?? nil]
    }
}

/// max(0, x); the gradient passes where the output is positive.
final class ReluOperator: EpilogueOperator {
    private var output: FloatTensor?

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard case .float(let input)?? = inputs.first else {
            throw EngineError(.architectureMismatch, "Relu needs one float input")
        }
        let result = FloatTensor(computedShape: input.shape, values: ReLU.rectified(input.values))
        output = result
        return [.float(result)]
    }

    /// max(0, x), as `ReLU.rectified` computes it, fused into the Conv before it.
    func epilogue(_ inputs: [GraphValue?], channels: Int) -> ImageEpilogue? { .rectifier }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let output, var gradient = outputGradients.first ?? nil else { return [nil] }
        output.values.withUnsafeBufferPointer { y in
            gradient.values.withUnsafeMutableBufferPointer { dx in
                for index in dx.indices where y[index] <= 0 { dx[index] = 0 }
            }
        }
        return [gradient]
    }
}
