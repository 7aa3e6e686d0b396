import Dispatch
import Foundation

/// Maps `0..<count` over `ParallelMap.threadCount` workers, keeping results in order; the first error wins.
///
/// Chunks are independent by construction (FORMAT.md §5.2), so encode and decode scale with cores;
/// the model codec, the tuner's rate grids and predictor selection use it for their independent jobs too.
/// Workers pull the next index from a shared counter, so jobs of unequal size still balance.
public enum ParallelMap {
    private static let settings = ThreadSetting()

    /// Workers a map uses (at least 1; default: the machine's active processors). `--threads` sets it.
    public static var threadCount: Int {
        get { settings.value }
        set { settings.value = max(1, newValue) }
    }

    public static func map<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        let workers = min(threadCount, count)
        if workers <= 1 { return try (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<Result<T, Error>?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        let next = JobCounter()
        // Each job writes only its own slot, so the unsynchronized writes do not race;
        // `body` outlives no call of concurrentPerform, which returns when every worker has.
        nonisolated(unsafe) let slots = results
        withoutActuallyEscaping(body) { work in
            nonisolated(unsafe) let work = work
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let index = next.take(below: count) {
                    slots[index] = Result { try work(index) }
                }
            }
        }
        return try results.map { slot in
            guard let slot else { throw SZNNError(.backendFailure, "a parallel job produced no result") }
            return try slot.get()
        }
    }
}

/// The next job index, handed out once each under a lock (one lock per job, not per element).
private final class JobCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}

/// The process-wide worker count, read and set under a lock.
private final class ThreadSetting: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = ProcessInfo.processInfo.activeProcessorCount

    var value: Int {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
