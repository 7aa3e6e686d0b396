/// ONNX MatMul with numpy semantics: 1-D operands are promoted (a row for A, a column for B)
/// and the promoted axis dropped again; batch axes broadcast.
///
/// A 2-D right operand (a weight) makes the whole product one GEMM over the flattened batch;
/// otherwise there is one GEMM per output batch slice. Gradients sum over broadcast axes.
final class MatMulOperator: GraphOperator {
    private let node: GraphNode
    private var a = FloatTensor(zeros: [0]), b = FloatTensor(zeros: [0])
    private var plan: MatMulPlan?

    init(_ node: GraphNode) {
        self.node = node
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard inputs.count >= 2, let first = inputs[0], let second = inputs[1] else {
            throw NodeAttributes(node).unsupported("fewer than two inputs")
        }
        a = try first.floatTensor(node, input: 0)
        b = try second.floatTensor(node, input: 1)
        guard let plan = MatMulPlan(a.shape, b.shape) else {
            throw EngineError(.architectureMismatch, "node \(node.displayName) (MatMul): shapes \(a.shape) and \(b.shape) do not multiply")
        }
        self.plan = plan
        let (m, k, n) = (plan.m, plan.k, plan.n)
        var output = [Float](repeating: 0, count: plan.outputShape.reduce(1, *))
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                output.withUnsafeMutableBufferPointer { pc in
                    if plan.rightIsMatrix {
                        BLAS.gemm(transposeA: false, transposeB: false, m: plan.batchCount * m, n: n, k: k,
                                  a: pa, lda: k, b: pb, ldb: n, beta: 0, c: pc, ldc: n)
                        return
                    }
                    for slice in 0..<plan.batchCount {
                        let (left, right) = plan.operandSlices(slice)
                        BLAS.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k,
                                  a: UnsafeBufferPointer(rebasing: pa[(left * m * k)...]), lda: k,
                                  b: UnsafeBufferPointer(rebasing: pb[(right * k * n)...]), ldb: n,
                                  beta: 0, c: UnsafeMutableBufferPointer(rebasing: pc[(slice * m * n)...]), ldc: n)
                    }
                }
            }
        }
        return [.float(FloatTensor(computedShape: plan.outputShape, values: output))]
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let dy = outputGradients.first ?? nil, let plan else { return needed.map { _ in nil } }
        let (m, k, n) = (plan.m, plan.k, plan.n)
        var da = [Float](repeating: 0, count: needed[0] ? a.count : 0)
        var db = [Float](repeating: 0, count: needed.count > 1 && needed[1] ? b.count : 0)
        dy.values.withUnsafeBufferPointer { g in
            a.values.withUnsafeBufferPointer { pa in
                b.values.withUnsafeBufferPointer { pb in
                    da.withUnsafeMutableBufferPointer { pda in
                        db.withUnsafeMutableBufferPointer { pdb in
                            if plan.rightIsMatrix {
                                // dA = dY · Bᵀ and dB = Aᵀ · dY over the flattened batch.
                                if !pda.isEmpty {
                                    BLAS.gemm(transposeA: false, transposeB: true, m: plan.batchCount * m, n: k, k: n,
                                              a: g, lda: n, b: pb, ldb: n, beta: 0, c: pda, ldc: k)
                                }
                                if !pdb.isEmpty {
                                    BLAS.gemm(transposeA: true, transposeB: false, m: k, n: n, k: plan.batchCount * m,
                                              a: pa, lda: k, b: g, ldb: n, beta: 0, c: pdb, ldc: n)
                                }
                                return
                            }
                            for slice in 0..<plan.batchCount {
                                let (left, right) = plan.operandSlices(slice)
                                let sliceGradient = UnsafeBufferPointer(rebasing: g[(slice * m * n)...])
                                // beta 1: a broadcast operand slice collects the gradient of every slice it fed.
                                if !pda.isEmpty {
                                    BLAS.gemm(transposeA: false, transposeB: true, m: m, n: k, k: n,
                                              a: sliceGradient, lda: n, b: UnsafeBufferPointer(rebasing: pb[(right * k * n)...]), ldb: n,
                                              beta: 1, c: UnsafeMutableBufferPointer(rebasing: pda[(left * m * k)...]), ldc: k)
                                }
                                if !pdb.isEmpty {
                                    BLAS.gemm(transposeA: true, transposeB: false, m: k, n: n, k: m,
                                              a: UnsafeBufferPointer(rebasing: pa[(left * m * k)...]), lda: k, b: sliceGradient, ldb: n,
                                              beta: 1, c: UnsafeMutableBufferPointer(rebasing: pdb[(right * k * n)...]), ldc: n)
                                }
                            }
                        }
                    }
                }
            }
        }
        return [da.isEmpty ? nil : FloatTensor(computedShape: a.shape, values: da),
                db.isEmpty ? nil : FloatTensor(computedShape: b.shape, values: db)]
    }
}

/// The shapes of one MatMul: the matrix sizes, the broadcast batch, and where each output
/// batch slice reads its operands.
struct MatMulPlan {
    let m: Int, k: Int, n: Int
    let outputShape: [Int]
    let batchCount: Int
    /// True when B has rank ≤ 2: every batch slice of A multiplies the same matrix.
    let rightIsMatrix: Bool
    private let outputBatch: [Int]
    /// Per output batch axis, the element stride of A's / B's slice index (0 where broadcast).
    private let leftStrides: [Int], rightStrides: [Int]

    /// Nil when the shapes do not multiply (inner sizes differ, batch axes do not broadcast, a scalar).
    init?(_ left: [Int], _ right: [Int]) {
        guard !left.isEmpty, !right.isEmpty else { return nil }
        let a = left.count == 1 ? [1] + left : left
        let b = right.count == 1 ? right + [1] : right
        (m, k, n) = (a[a.count - 2], a[a.count - 1], b[b.count - 1])
        guard b[b.count - 2] == k else { return nil }
        let leftBatch = Array(a.dropLast(2)), rightBatch = Array(b.dropLast(2))
        let rank = max(leftBatch.count, rightBatch.count)
        let paddedLeft = [Int](repeating: 1, count: rank - leftBatch.count) + leftBatch
        let paddedRight = [Int](repeating: 1, count: rank - rightBatch.count) + rightBatch
        var batch: [Int] = []
        for (x, y) in zip(paddedLeft, paddedRight) {
            guard x == y || x == 1 || y == 1 else { return nil }
            batch.append(max(x, y))
        }
        outputBatch = batch
        batchCount = batch.reduce(1, *)
        rightIsMatrix = right.count <= 2
        leftStrides = Self.strides(paddedLeft)
        rightStrides = Self.strides(paddedRight)
        outputShape = batch + (left.count == 1 ? [] : [m]) + (right.count == 1 ? [] : [n])
    }

    /// Slice strides of a batch shape, 0 on axes of size 1 (they broadcast).
    private static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: shape.count), running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = shape[axis] == 1 ? 0 : running
            running *= shape[axis]
        }
        return strides
    }

    /// The A and B slice indices that output batch slice `slice` multiplies.
    func operandSlices(_ slice: Int) -> (Int, Int) {
        var remainder = slice, left = 0, right = 0
        for axis in outputBatch.indices.reversed() {
            let index = remainder % outputBatch[axis]
            remainder /= outputBatch[axis]
            left += index * leftStrides[axis]
            right += index * rightStrides[axis]
        }
        return (left, right)
    }
}
