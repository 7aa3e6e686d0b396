@testable import SZNNEngine

/// Central finite-difference checks of a graph operator's backward pass, for every float input.
///
/// The scalar checked is L = Σ_k Σ forward(x)_k · R_k for fixed random R_k per float output, so
/// dL/d(output k) = R_k and `backward` must return dL/d(input i) for every input marked needed.
/// Computed in binary64 from Float32 forwards: use steps around 1e-2 and kink-free inputs.
enum OperatorGradientChecking {
    /// Compares analytical and numerical derivatives at up to `samples` elements of each float input.
    static func check(_ operation: any GraphOperator, inputs: [GraphValue?], mode: ForwardMode = .inference,
                      step: Float = 1e-2, tolerance: Float = 1e-2, samples: Int = 40,
                      prepare: () -> Void = {}) throws -> [GradientChecking.Mismatch] {
        var generator = RandomGenerator(seed: 7)
        prepare()
        let outputs = try operation.forward(inputs, mode: mode)
        let weights: [[Float]] = outputs.map { output in
            guard case .float(let tensor) = output else { return [] }
            return (0..<tensor.count).map { _ in generator.nextFloat(in: -1, 1) }
        }
        let outputGradients: [FloatTensor?] = zip(outputs, weights).map { output, weight in
            guard case .float(let tensor) = output else { return nil }
            return FloatTensor(computedShape: tensor.shape, values: weight)
        }
        let needed = inputs.map { value -> Bool in
            if case .float? = value { return true } else { return false }
        }
        let analytical = try operation.backward(outputGradients, needed: needed)

        func loss(_ values: [GraphValue?]) throws -> Double {
            prepare()
            var sum = 0.0
            for (output, weight) in zip(try operation.forward(values, mode: mode), weights) {
                guard case .float(let tensor) = output else { continue }
                for index in 0..<tensor.count { sum += Double(tensor.values[index]) * Double(weight[index]) }
            }
            return sum
        }
        var mismatches: [GradientChecking.Mismatch] = []
        for (inputIndex, input) in inputs.enumerated() {
            guard case .float(let tensor)? = input else { continue }
            guard inputIndex < analytical.count, let gradient = analytical[inputIndex] else {
                mismatches.append(.init(what: "input \(inputIndex): no gradient returned", analytical: 0, numerical: 0))
                continue
            }
            guard gradient.shape == tensor.shape else {
                mismatches.append(.init(what: "input \(inputIndex): gradient shape \(gradient.shape) ≠ \(tensor.shape)", analytical: 0, numerical: 0))
                continue
            }
            let indices = tensor.count <= samples ? Array(0..<tensor.count) : (0..<samples).map { _ in generator.nextInt(below: tensor.count) }
            for index in indices {
                var plus = tensor, minus = tensor
                plus.values[index] += step
                minus.values[index] -= step
                var plusInputs = inputs, minusInputs = inputs
                plusInputs[inputIndex] = .float(plus)
                minusInputs[inputIndex] = .float(minus)
                let numerical = Float((try loss(plusInputs) - loss(minusInputs)) / Double(2 * step))
                let value = gradient.values[index]
                if abs(value - numerical) > tolerance * max(1, abs(value), abs(numerical)) {
                    mismatches.append(.init(what: "d/d input \(inputIndex)[\(index)]", analytical: value, numerical: numerical))
                }
            }
        }
        return mismatches
    }

    /// A float graph value with kink-free values (see `GradientChecking.kinkFreeTensor`).
    static func kinkFree(_ shape: [Int], seed: UInt64) -> GraphValue {
        .float(GradientChecking.kinkFreeTensor(shape, seed: seed))
    }

    /// A float graph value with values in [-1, 1).
    static func random(_ shape: [Int], seed: UInt64) -> GraphValue {
        .float(GradientChecking.randomTensor(shape, seed: seed))
    }
}
