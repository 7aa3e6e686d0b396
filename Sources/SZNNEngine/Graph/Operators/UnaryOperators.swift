import Foundation

/// One elementwise float function and its derivative, possibly with settings from attributes or inputs.
protocol UnaryFunction {
    func value(_ x: Float) -> Float
    /// dy/dx at x, where y = value(x) (passed so that Sigmoid and Tanh reuse it).
    func derivative(_ x: Float, _ y: Float) -> Float
    /// Reads settings carried by inputs after the first (Clip's min and max); most functions have none.
    mutating func configure(_ inputs: [GraphValue?]) throws
}

extension UnaryFunction {
    mutating func configure(_ inputs: [GraphValue?]) throws {}
}

/// An elementwise operator on its first (float) input; the gradient is dy · f′(x).
final class UnaryOperator<Function: UnaryFunction>: GraphOperator {
    private let node: GraphNode
    private var function: Function
    private var input = FloatTensor(zeros: [0]), output = FloatTensor(zeros: [0])

    init(_ node: GraphNode, _ function: Function) {
        self.node = node
        self.function = function
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard let first = inputs.first ?? nil else { throw NodeAttributes(node).unsupported("an absent input") }
        input = try first.floatTensor(node, input: 0)
        try function.configure(inputs)
        let function = function
        let values = input.values.withUnsafeBufferPointer { x in
            [Float](unsafeUninitializedCapacity: x.count) { y, initialized in
                for index in 0..<x.count { y[index] = function.value(x[index]) }
                initialized = x.count
            }
        }
        output = FloatTensor(computedShape: input.shape, values: values)
        return [.float(output)]
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        var result: [FloatTensor?] = needed.map { _ in nil }
        guard var gradient = outputGradients.first ?? nil, needed.first == true else { return result }
        let function = function
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeBufferPointer { y in
                gradient.values.withUnsafeMutableBufferPointer { g in
                    for index in 0..<g.count { g[index] *= function.derivative(x[index], y[index]) }
                }
            }
        }
        result[0] = gradient
        return result
    }
}

/// √x.
struct SquareRoot: UnaryFunction {
    func value(_ x: Float) -> Float { x.squareRoot() }
    func derivative(_ x: Float, _ y: Float) -> Float { 0.5 / y }
}

/// −x.
struct Negation: UnaryFunction {
    func value(_ x: Float) -> Float { -x }
    func derivative(_ x: Float, _ y: Float) -> Float { -1 }
}

/// 1 / (1 + e^−x).
struct Sigmoid: UnaryFunction {
    func value(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
    func derivative(_ x: Float, _ y: Float) -> Float { y * (1 - y) }
}

/// tanh x.
struct HyperbolicTangent: UnaryFunction {
    func value(_ x: Float) -> Float { tanhf(x) }
    func derivative(_ x: Float, _ y: Float) -> Float { 1 - y * y }
}

/// The error function; its derivative is 2/√π · e^(−x²).
struct ErrorFunction: UnaryFunction {
    func value(_ x: Float) -> Float { erff(x) }
    func derivative(_ x: Float, _ y: Float) -> Float { 1.1283791671 * expf(-x * x) }
}

/// x for x ≥ 0, alpha · x below.
struct LeakyRectifier: UnaryFunction {
    let alpha: Float
    func value(_ x: Float) -> Float { x >= 0 ? x : alpha * x }
    func derivative(_ x: Float, _ y: Float) -> Float { x >= 0 ? 1 : alpha }
}

/// min(max(x, low), high), bounds from inputs 1 and 2 (absent: unbounded); the gradient passes
/// only strictly inside the bounds.
struct Clamp: UnaryFunction {
    let node: GraphNode
    var low = -Float.infinity, high = Float.infinity

    func value(_ x: Float) -> Float { min(max(x, low), high) }
    func derivative(_ x: Float, _ y: Float) -> Float { x > low && x < high ? 1 : 0 }

    mutating func configure(_ inputs: [GraphValue?]) throws {
        low = try bound(inputs, 1) ?? -.infinity
        high = try bound(inputs, 2) ?? .infinity
    }

    private func bound(_ inputs: [GraphValue?], _ index: Int) throws -> Float? {
        guard index < inputs.count, let value = inputs[index] else { return nil }
        guard value.shape.reduce(1, *) == 1 else { throw NodeAttributes(node).unsupported("a non-scalar bound") }
        return try value.floatTensor(node, input: index).values[0]
    }
}

/// Gaussian error linear unit: x · Φ(x) exactly, or its tanh approximation.
struct GaussianErrorLinear: UnaryFunction {
    let usesTanh: Bool
    private static let tanhScale: Float = 0.7978845608, cubic: Float = 0.044715

    func value(_ x: Float) -> Float {
        if usesTanh { return 0.5 * x * (1 + tanhf(Self.tanhScale * (x + Self.cubic * x * x * x))) }
        return 0.5 * x * (1 + erff(x * 0.7071067812))
    }

    func derivative(_ x: Float, _ y: Float) -> Float {
        if usesTanh {
            let t = tanhf(Self.tanhScale * (x + Self.cubic * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * Self.tanhScale * (1 + 3 * Self.cubic * x * x)
        }
        let cumulative = 0.5 * (1 + erff(x * 0.7071067812))
        return cumulative + x * 0.3989422804 * expf(-0.5 * x * x)
    }
}
