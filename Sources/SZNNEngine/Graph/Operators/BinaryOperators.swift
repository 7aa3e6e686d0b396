import Foundation

/// One elementwise binary function: its value on floats and integers and its two partial derivatives.
protocol BinaryArithmetic {
    static func value(_ a: Float, _ b: Float) -> Float
    /// The integer result (shape arithmetic), or nil when undefined (a zero divisor, Pow).
    static func integerValue(_ a: Int, _ b: Int) -> Int?
    /// (∂f/∂a, ∂f/∂b) at (a, b).
    static func derivatives(_ a: Float, _ b: Float) -> (Float, Float)
    /// `out[i] = value(a[i·stepA], b[i·stepB])` for i < count (a requirement, so that each
    /// conformance gets its own compiled loop; the default below serves all of them).
    static func apply(_ a: UnsafePointer<Float>, step stepA: Int, _ b: UnsafePointer<Float>, step stepB: Int,
                      into out: UnsafeMutablePointer<Float>, count: Int)
    /// For i < count: `gradientA[i·stepA] += g[i] · ∂f/∂a` and `gradientB[i·stepB] += g[i] · ∂f/∂b`
    /// at (a[i·stepA], b[i·stepB]), in that order; a nil gradient is not wanted (a requirement
    /// for the same reason as `apply`).
    static func accumulateGradients(_ a: UnsafePointer<Float>, step stepA: Int, _ b: UnsafePointer<Float>, step stepB: Int,
                                    outputGradient g: UnsafePointer<Float>, into gradientA: UnsafeMutablePointer<Float>?,
                                    _ gradientB: UnsafeMutablePointer<Float>?, count: Int)
}

extension BinaryArithmetic {
    /// The row loop, called once per broadcast row through the conformance's witness, so it is
    /// compiled for the concrete function (inlined `+`, vectorised when both steps are 1); in
    /// `BinaryOperator`'s generic code a call per element was two thirds of resnet-mnist's Add time.
    static func apply(_ a: UnsafePointer<Float>, step stepA: Int, _ b: UnsafePointer<Float>, step stepB: Int,
                      into out: UnsafeMutablePointer<Float>, count: Int) {
        if stepA == 1 && stepB == 1 {
            for index in 0..<count { out[index] = value(a[index], b[index]) }
        } else {
            for index in 0..<count { out[index] = value(a[index * stepA], b[index * stepB]) }
        }
    }

    /// The gradient row loop, compiled per function as `apply` is.
    static func accumulateGradients(_ a: UnsafePointer<Float>, step stepA: Int, _ b: UnsafePointer<Float>, step stepB: Int,
                                    outputGradient g: UnsafePointer<Float>, into gradientA: UnsafeMutablePointer<Float>?,
                                    _ gradientB: UnsafeMutablePointer<Float>?, count: Int) {
        for index in 0..<count {
            let i = index &* stepA, j = index &* stepB
            let (partialA, partialB) = derivatives(a[i], b[j])
            if let gradientA { gradientA[i] += g[index] * partialA }
            if let gradientB { gradientB[j] += g[index] * partialB }
        }
    }
}

/// a + b.
enum Addition: BinaryArithmetic {
    static func value(_ a: Float, _ b: Float) -> Float { a + b }
    static func integerValue(_ a: Int, _ b: Int) -> Int? { a &+ b }
    static func derivatives(_ a: Float, _ b: Float) -> (Float, Float) { (1, 1) }
}

/// a − b.
enum Subtraction: BinaryArithmetic {
    static func value(_ a: Float, _ b: Float) -> Float { a - b }
    static func integerValue(_ a: Int, _ b: Int) -> Int? { a &- b }
    static func derivatives(_ a: Float, _ b: Float) -> (Float, Float) { (1, -1) }
}

/// a · b.
enum Multiplication: BinaryArithmetic {
    static func value(_ a: Float, _ b: Float) -> Float { a * b }
    static func integerValue(_ a: Int, _ b: Int) -> Int? { a &* b }
    static func derivatives(_ a: Float, _ b: Float) -> (Float, Float) { (b, a) }
}

/// a / b; integers truncate toward zero, as ONNX Div does.
enum Division: BinaryArithmetic {
    static func value(_ a: Float, _ b: Float) -> Float { a / b }
    static func integerValue(_ a: Int, _ b: Int) -> Int? { b == 0 ? nil : a / b }
    static func derivatives(_ a: Float, _ b: Float) -> (Float, Float) { (1 / b, -a / (b * b)) }
}

/// a ^ b on floats; the exponent's derivative a^b · ln a exists only for a > 0 (0 elsewhere).
enum Power: BinaryArithmetic {
    static func value(_ a: Float, _ b: Float) -> Float { powf(a, b) }
    static func integerValue(_ a: Int, _ b: Int) -> Int? { nil }
    static func derivatives(_ a: Float, _ b: Float) -> (Float, Float) {
        let base = b == 0 ? 0 : b * powf(a, b - 1)
        return (base, a > 0 ? powf(a, b) * logf(a) : 0)
    }
}

/// ONNX Add, Sub, Mul, Div, Pow with multidirectional broadcasting; gradients for both float inputs.
final class BinaryOperator<Function: BinaryArithmetic>: GraphOperator {
    private let node: GraphNode
    private var a: [Float] = [], b: [Float] = []
    private var plan: Broadcast?

    init(_ node: GraphNode) { self.node = node }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard inputs.count == 2, let first = inputs[0], let second = inputs[1] else {
            throw NodeAttributes(node).unsupported("an absent input")
        }
        let plan = try Broadcast([first.shape, second.shape], node: node)
        switch (first, second) {
        case (.float(let x), .float(let y)):
            a = x.values
            b = y.values
            self.plan = plan
            return [.float(FloatTensor(computedShape: plan.outputShape, values: Self.apply(plan, a, b)))]
        case (.integer(let x), .integer(let y)):
            return [.integer(IntegerTensor(shape: plan.outputShape, values: try integers(plan, x.values, y.values)))]
        default:
            throw NodeAttributes(node).unsupported("mixing float and integer inputs")
        }
    }

    private static func apply(_ plan: Broadcast, _ a: [Float], _ b: [Float]) -> [Float] {
        let stepA = plan.rowSteps[0], stepB = plan.rowSteps[1], length = plan.rowLength
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                [Float](unsafeUninitializedCapacity: plan.outputCount) { out, initialized in
                    guard let x = x.baseAddress, let y = y.baseAddress, let out = out.baseAddress else {
                        initialized = 0
                        return
                    }
                    plan.forEachRow { output, offsets in
                        Function.apply(x + offsets[0], step: stepA, y + offsets[1], step: stepB, into: out + output, count: length)
                    }
                    initialized = plan.outputCount
                }
            }
        }
    }

    private func integers(_ plan: Broadcast, _ a: [Int], _ b: [Int]) throws -> [Int] {
        let left = plan.expand(a, operand: 0), right = plan.expand(b, operand: 1)
        var result = [Int](repeating: 0, count: plan.outputCount)
        for index in 0..<plan.outputCount {
            guard let value = Function.integerValue(left[index], right[index]) else {
                throw NodeAttributes(node).unsupported("integer inputs \(left[index]) and \(right[index])")
            }
            result[index] = value
        }
        return result
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let gradient = outputGradients.first ?? nil, let plan else { return [nil, nil] }
        var da = [Float](repeating: 0, count: needed[0] ? plan.operandCounts[0] : 0)
        var db = [Float](repeating: 0, count: needed[1] ? plan.operandCounts[1] : 0)
        let stepA = plan.rowSteps[0], stepB = plan.rowSteps[1], length = plan.rowLength
        let wantA = needed[0], wantB = needed[1]
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                gradient.values.withUnsafeBufferPointer { g in
                    da.withUnsafeMutableBufferPointer { ga in
                        db.withUnsafeMutableBufferPointer { gb in
                            guard let x = x.baseAddress, let y = y.baseAddress, let g = g.baseAddress else { return }
                            plan.forEachRow { output, offsets in
                                Function.accumulateGradients(x + offsets[0], step: stepA, y + offsets[1], step: stepB,
                                                             outputGradient: g + output,
                                                             into: wantA ? ga.baseAddress! + offsets[0] : nil,
                                                             wantB ? gb.baseAddress! + offsets[1] : nil, count: length)
                            }
                        }
                    }
                }
            }
        }
        return [wantA ? FloatTensor(computedShape: plan.operandShapes[0], values: da) : nil,
                wantB ? FloatTensor(computedShape: plan.operandShapes[1], values: db) : nil]
    }
}
