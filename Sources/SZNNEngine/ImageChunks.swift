import Dispatch

/// Splits a batch into contiguous image ranges, one per OpenBLAS thread, for kernels whose
/// images touch disjoint memory (im2col, col2im, pooling).
enum ImageChunks {
    /// Runs `body` on ranges covering `0..<batch`, concurrently when there is more than one
    /// thread and `work` (elements touched) is enough to pay for it.
    static func forEach(batch: Int, work: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let workers = min(BLAS.threadCount, batch)
        guard workers > 1, work >= 1 << 16 else {
            body(0..<batch)
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            body((batch * worker / workers)..<(batch * (worker + 1) / workers))
        }
    }
}

/// A pointer handed to concurrent workers that each touch a disjoint part of its memory.
///
/// `@unchecked Sendable` is sound only under that discipline: `ImageChunks.forEach` gives every
/// worker its own image range, and the caller waits for all of them before reading.
struct DisjointAccess<Pointer>: @unchecked Sendable {
    let pointer: Pointer
    init(_ pointer: Pointer) { self.pointer = pointer }
}
