import COpenBLAS
import Foundation

/// Thin wrappers over OpenBLAS: row-major single-precision GEMM and the thread count.
public enum BLAS {
    /// Sets how many threads OpenBLAS uses for GEMM (at least 1).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// Stops OpenBLAS's idle worker threads, if this OpenBLAS build has a thread pool; the next
    /// multi-threaded GEMM starts them again.
    ///
    /// OpenBLAS (pthreads build) starts its pool when the library loads, and each worker spins on
    /// `sched_yield` for about 2^28 cycles before it sleeps. In a command that runs no GEMM, or
    /// runs only one-threaded ones, that spinning took a core from the coders for the first
    /// ~0.1 s: `compress` of LeNet-5 on 2 threads ran 30 % longer (Benchmarks/scale/threads.md).
    /// The pool's shutdown entry point (what OpenBLAS's own fork handler calls) is looked up at
    /// run time, so builds without it (OpenMP, single-threaded) link and run unchanged.
    public static func stopIdleThreads() {
        #if canImport(Glibc)
        // dlsym with a null handle is RTLD_DEFAULT: every library the process has loaded.
        guard let symbol = dlsym(nil, "blas_thread_shutdown_") else { return }
        typealias Shutdown = @convention(c) () -> Int32
        _ = unsafeBitCast(symbol, to: Shutdown.self)()
        #endif
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
