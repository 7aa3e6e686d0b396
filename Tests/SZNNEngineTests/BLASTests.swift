import Foundation
import Testing
@testable import SZNNEngine

/// OpenBLAS's pool can be stopped while idle and comes back for the next threaded GEMM.
struct BLASTests {
    /// A product large enough for OpenBLAS to split over its threads.
    static func product() -> [Float] {
        let size = 256
        let a = (0..<(size * size)).map { Float(($0 * 7) % 13) - 6 }
        let b = (0..<(size * size)).map { Float(($0 * 5) % 11) - 5 }
        var c = [Float](repeating: 0, count: size * size)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(transposeA: false, transposeB: false, m: size, n: size, k: size, a: a, lda: size, b: b, ldb: size,
                              beta: 0, c: c, ldc: size)
                }
            }
        }
        return c
    }

    /// (The thread count is process-wide and other suites change it meanwhile, so it is not checked here.)
    @Test func gemmAfterStoppingTheIdlePoolMatchesTheOneBefore() {
        let saved = BLAS.threadCount
        defer { BLAS.setThreadCount(saved) }
        BLAS.setThreadCount(2)
        let before = Self.product()
        BLAS.stopIdleThreads()
        let after = Self.product()
        BLAS.stopIdleThreads()
        BLAS.stopIdleThreads()
        let again = Self.product()
        #expect(before == after && after == again)
        // Small integers: every product and sum is exact, so the reference is exact too.
        let size = 256
        let row = 17, column = 200
        let expected = (0..<size).reduce(Float(0)) { sum, k in
            sum + (Float(((row * size + k) * 7) % 13) - 6) * (Float(((k * size + column) * 5) % 11) - 5)
        }
        #expect(after[row * size + column] == expected)
    }
}
