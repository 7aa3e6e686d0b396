import COpenBLAS
import Foundation

/// Thin wrappers over OpenBLAS: row-major single-precision GEMM and the thread count.
public enum BLAS {
    /// Sets how many threads OpenBLAS uses for GEMM (at least 1).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with one-threaded GEMM, for callers that run their own workers.
    ///
    /// The count is process-wide: overlapping calls (from concurrent callers) share one
    /// one-threaded period, and the count from before the first is restored after the last.
    public static func withOneThread<Result>(_ body: () throws -> Result) rethrows -> Result {
        singleThreadLock.withLock {
            if singleThreadUsers == 0 { savedThreadCount = threadCount; setThreadCount(1) }
            singleThreadUsers += 1
        }
        defer {
            singleThreadLock.withLock {
                singleThreadUsers -= 1
                if singleThreadUsers == 0 { setThreadCount(savedThreadCount) }
            }
        }
        return try body()
    }

    private static let singleThreadLock = NSLock()
    nonisolated(unsafe) private static var singleThreadUsers = 0
    nonisolated(unsafe) private static var savedThreadCount = 1

    /// C = alpha · op(A) · op(B) + beta · C, all row-major; op(A) is m×k, op(B) is k×n.
    ///
    /// An empty operand means a zero-sized product, which leaves C unchanged.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafeBufferPointer<Float>, lda: Int,
        b: UnsafeBufferPointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutableBufferPointer<Float>, ldc: Int
    ) {
        guard let aBase = a.baseAddress, let bBase = b.baseAddress, let cBase = c.baseAddress else { return }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, aBase, Int32(lda), bBase, Int32(ldb),
                    beta, cBase, Int32(ldc))
    }
}
