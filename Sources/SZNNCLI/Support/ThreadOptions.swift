import ArgumentParser
import Foundation
import SZNNCore
import SZNNEngine

/// `--threads`: the workers of the codec (chunks, tensors, rate grids, predictor trials) and of OpenBLAS.
struct ThreadOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Worker threads for coding, tuning and GEMM (default: the machine's cores).",
        discussion: "Coded files at a fixed bound do not depend on it: every coding job is independent and written to its own place. Training and tuning run OpenBLAS GEMMs whose rounding can change with the count, so trained weights and tuned bounds may differ in their last bits between counts (runs with the same count are reproducible).",
        valueName: "count"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Sets the codec's and OpenBLAS's worker counts, and stops OpenBLAS's idle pool until a GEMM needs it.
    func apply() {
        ParallelMap.threadCount = threads
        BLAS.setThreadCount(threads)
        BLAS.stopIdleThreads()
    }
}
