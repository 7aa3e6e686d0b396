@testable import SZNNEngine

/// Central finite-difference checks of a layer's backward pass.
///
/// The scalar checked is L = Σ forward(x) · R for a fixed random R, so dL/d(output) = R and
/// `backward(R)` must return dL/dx and set every trainable parameter's dL/dθ.
enum GradientChecking {
    /// A mismatch between an analytical and a numerical derivative.
    struct Mismatch: CustomStringConvertible {
        let what: String
        let analytical: Float
        let numerical: Float
        var description: String { "\(what): analytical \(analytical) vs numerical \(numerical)" }
    }

    /// Checks up to `samples` input elements and `samples` elements of each trainable parameter.
    /// `prepare` runs before every forward pass (e.g. to reseed a dropout layer).
    static func check(
        _ layer: any Layer, input: FloatTensor, mode: ForwardMode = .training,
        step: Float = 1e-2, tolerance: Float = 1e-2, samples: Int = 40,
        prepare: () -> Void = {}
    ) -> [Mismatch] {
        var generator = RandomGenerator(seed: 99)
        prepare()
        let output = layer.forward(input, mode: mode)
        let weights = (0..<output.count).map { _ in generator.nextFloat(in: -1, 1) }
        let outputGradient = FloatTensor(computedShape: output.shape, values: weights)
        let inputGradient = layer.backward(outputGradient)
        let parameterGradients = layer.parameters.filter(\.isTrainable).map { ($0, $0.gradient) }

        func loss(_ x: FloatTensor) -> Float {
            prepare()
            let y = layer.forward(x, mode: mode)
            var sum: Double = 0
            for index in 0..<y.count { sum += Double(y.values[index]) * Double(weights[index]) }
            return Float(sum)
        }
        var mismatches: [Mismatch] = []
        func compare(_ what: String, _ analytical: Float, _ numerical: Float) {
            if abs(analytical - numerical) > tolerance * max(1, abs(analytical), abs(numerical)) {
                mismatches.append(Mismatch(what: what, analytical: analytical, numerical: numerical))
            }
        }
        for index in sampleIndices(input.count, samples, &generator) {
            var plus = input, minus = input
            plus.values[index] += step
            minus.values[index] -= step
            compare("d/dx[\(index)]", inputGradient.values[index], (loss(plus) - loss(minus)) / (2 * step))
        }
        for (parameter, gradient) in parameterGradients {
            for index in sampleIndices(parameter.count, samples, &generator) {
                let original = parameter.values[index]
                parameter.values[index] = original + step
                let lossPlus = loss(input)
                parameter.values[index] = original - step
                let lossMinus = loss(input)
                parameter.values[index] = original
                compare("d/d\(parameter.name)[\(index)]", gradient[index], (lossPlus - lossMinus) / (2 * step))
            }
        }
        return mismatches
    }

    /// A random tensor of the given shape with values in [-1, 1).
    static func randomTensor(_ shape: [Int], seed: UInt64) -> FloatTensor {
        var generator = RandomGenerator(seed: seed)
        let values = (0..<shape.reduce(1, *)).map { _ in generator.nextFloat(in: -1, 1) }
        return FloatTensor(computedShape: shape, values: values)
    }

    /// A tensor whose values are a shuffled ramp with gaps of 0.05 and no value near zero,
    /// so no finite-difference step crosses a ReLU kink or a max-pooling tie.
    static func kinkFreeTensor(_ shape: [Int], seed: UInt64) -> FloatTensor {
        var generator = RandomGenerator(seed: seed)
        let count = shape.reduce(1, *)
        var values = (0..<count).map { Float($0 - count / 2) * 0.05 + 0.025 }
        generator.shuffle(&values)
        return FloatTensor(computedShape: shape, values: values)
    }

    private static func sampleIndices(_ count: Int, _ samples: Int, _ generator: inout RandomGenerator) -> [Int] {
        count <= samples ? Array(0..<count) : (0..<samples).map { _ in generator.nextInt(below: count) }
    }
}
