import Foundation
#if canImport(CMalloc)
import CMalloc
#endif

/// The allocator setting of the streaming commands, whose peak memory must not grow with the model.
enum StreamingMemory {
    /// Gives blocks of 1 MiB or more mappings of their own, returned to the system when freed.
    ///
    /// By default glibc raises that threshold to the largest block freed so far (up to 32 MiB),
    /// after which the windows' tensor buffers come from the heap and stay resident: compress of
    /// the 1 B-parameter bf16 checkpoint peaked at 363 MB, and at 287 MB with this
    /// (Benchmarks/scale). Only the streaming paths set it: the tuner allocates and frees
    /// multi-megabyte batch buffers thousands of times, and mapping each afresh cost LeNet-5's
    /// tuning 17 s of system time in page faults.
    static func returnLargeBlocks() {
        #if canImport(CMalloc)
        _ = mallopt(M_MMAP_THRESHOLD, Int32(ProcessInfo.processInfo.environment["SZNN_T"].flatMap { Int($0) } ?? (1 << 20)))
        #endif
    }
}
