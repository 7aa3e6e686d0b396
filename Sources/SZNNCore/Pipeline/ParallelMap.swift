import Dispatch

/// Maps `0..<count` over all cores, keeping results in order; the first error wins.
///
/// Chunks are independent by construction (FORMAT.md §5.2), so encode and decode scale with cores.
enum ParallelMap {
    static func map<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        if count <= 1 { return try (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<Result<T, Error>?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        // Each iteration writes only its own slot, so the unsynchronized writes do not race;
        // `body` outlives no call of concurrentPerform, which returns when every iteration has.
        nonisolated(unsafe) let slots = results
        withoutActuallyEscaping(body) { work in
            nonisolated(unsafe) let work = work
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots[index] = Result { try work(index) }
            }
        }
        return try results.map { slot in
            guard let slot else { throw SZNNError(.backendFailure, "a parallel chunk produced no result") }
            return try slot.get()
        }
    }
}
