/// ONNX Gemm: Y = alpha · op(A) · op(B) + beta · C, with op = transpose when `transA`/`transB`
/// is set and C broadcast to [M, N] from [], [N], [1, N], [M, 1] or [M, N]. One GEMM forward,
/// two backward (only those whose gradient is needed).
final class GemmOperator: GraphOperator {
    private let node: GraphNode
    private let alpha: Float, beta: Float
    private let transposeA: Bool, transposeB: Bool
    private var a = FloatTensor(zeros: [0]), b = FloatTensor(zeros: [0])
    private var biasShape: [Int]?

    init(_ node: GraphNode) throws {
        let attributes = NodeAttributes(node)
        self.node = node
        alpha = try attributes.float("alpha", default: 1)
        beta = try attributes.float("beta", default: 1)
        transposeA = try attributes.integer("transA", default: 0) != 0
        transposeB = try attributes.integer("transB", default: 0) != 0
    }

    /// (M, K, N) of the product, or an error naming the shapes.
    private func dimensions() throws -> (Int, Int, Int) {
        guard a.shape.count == 2, b.shape.count == 2 else { throw mismatch() }
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == k2 else { throw mismatch() }
        return (m, k, n)
    }

    private func mismatch() -> EngineError {
        EngineError(.architectureMismatch,
                    "node \(node.displayName) (Gemm): shapes \(a.shape) and \(b.shape) do not multiply (transA \(transposeA), transB \(transposeB))")
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard inputs.count >= 2, let first = inputs[0], let second = inputs[1] else { throw mismatch() }
        a = try first.floatTensor(node, input: 0)
        b = try second.floatTensor(node, input: 1)
        let (m, k, n) = try dimensions()
        var output = [Float](repeating: 0, count: m * n)
        biasShape = nil
        if inputs.count > 2, let third = inputs[2], beta != 0 {
            let c = try third.floatTensor(node, input: 2)
            try broadcastBias(c, m: m, n: n, into: &output)
            biasShape = c.shape
        }
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                output.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: pa, lda: a.shape[1], b: pb, ldb: b.shape[1], beta: 1, c: pc, ldc: n)
                }
            }
        }
        return [.float(FloatTensor(computedShape: [m, n], values: output))]
    }

    /// Writes beta · C broadcast to [M, N] into `output`.
    private func broadcastBias(_ c: FloatTensor, m: Int, n: Int, into output: inout [Float]) throws {
        let (rows, columns) = try biasGrid(c.shape, m: m, n: n)
        for row in 0..<m {
            for column in 0..<n {
                output[row * n + column] = beta * c.values[(rows == 1 ? 0 : row) * columns + (columns == 1 ? 0 : column)]
            }
        }
    }

    /// C's shape seen as a rows × columns grid, each 1 or the full size.
    private func biasGrid(_ shape: [Int], m: Int, n: Int) throws -> (Int, Int) {
        let padded = Array(repeating: 1, count: max(0, 2 - shape.count)) + shape
        guard padded.count == 2, padded[0] == 1 || padded[0] == m, padded[1] == 1 || padded[1] == n else {
            throw EngineError(.architectureMismatch,
                              "node \(node.displayName) (Gemm): bias of shape \(shape) does not broadcast to [\(m), \(n)]")
        }
        return (padded[0], padded[1])
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        guard let dy = outputGradients.first ?? nil else { return needed.map { _ in nil } }
        let (m, k, n) = try dimensions()
        var result: [FloatTensor?] = needed.map { _ in nil }
        dy.values.withUnsafeBufferPointer { g in
            if needed[0] {
                // dA = alpha · dY · op(B)ᵀ, laid out as A (transposed back when transA).
                var da = [Float](repeating: 0, count: m * k)
                b.values.withUnsafeBufferPointer { pb in
                    da.withUnsafeMutableBufferPointer { out in
                        if transposeA {
                            BLAS.gemm(transposeA: transposeB, transposeB: true, m: k, n: m, k: n, alpha: alpha,
                                      a: pb, lda: b.shape[1], b: g, ldb: n, beta: 0, c: out, ldc: m)
                        } else {
                            BLAS.gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n, alpha: alpha,
                                      a: g, lda: n, b: pb, ldb: b.shape[1], beta: 0, c: out, ldc: k)
                        }
                    }
                }
                result[0] = FloatTensor(computedShape: a.shape, values: da)
            }
            if needed.count > 1 && needed[1] {
                // dB = alpha · op(A)ᵀ · dY, laid out as B.
                var db = [Float](repeating: 0, count: k * n)
                a.values.withUnsafeBufferPointer { pa in
                    db.withUnsafeMutableBufferPointer { out in
                        if transposeB {
                            BLAS.gemm(transposeA: true, transposeB: transposeA, m: n, n: k, k: m, alpha: alpha,
                                      a: g, lda: n, b: pa, ldb: a.shape[1], beta: 0, c: out, ldc: k)
                        } else {
                            BLAS.gemm(transposeA: !transposeA, transposeB: false, m: k, n: n, k: m, alpha: alpha,
                                      a: pa, lda: a.shape[1], b: g, ldb: n, beta: 0, c: out, ldc: n)
                        }
                    }
                }
                result[1] = FloatTensor(computedShape: b.shape, values: db)
            }
        }
        if needed.count > 2 && needed[2], let shape = biasShape {
            let (rows, columns) = try biasGrid(shape, m: m, n: n)
            var dc = [Float](repeating: 0, count: rows * columns)
            for row in 0..<m {
                for column in 0..<n {
                    dc[(rows == 1 ? 0 : row) * columns + (columns == 1 ? 0 : column)] += beta * dy.values[row * n + column]
                }
            }
            result[2] = FloatTensor(computedShape: shape, values: dc)
        }
        return result
    }
}
