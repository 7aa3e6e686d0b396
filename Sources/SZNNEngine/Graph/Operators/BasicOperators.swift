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
        guard let output, let gradient = outputGradients.first ?? nil else { return [nil] }
        // Into a fresh array: the incoming gradient is shared, so masking it in place copied it first.
        let count = gradient.count
        let masked = output.values.withUnsafeBufferPointer { y in
            gradient.values.withUnsafeBufferPointer { dy in
                [Float](unsafeUninitializedCapacity: count) { dx, initialized in
                    // Both loads unconditional, so the choice is a vector blend rather than a branch.
                    for index in 0..<count {
                        let incoming = dy[index]
                        dx[index] = y[index] <= 0 ? 0 : incoming
                    }
                    initialized = count
                }
            }
        }
        return [FloatTensor(computedShape: gradient.shape, values: masked)]
    }
}
