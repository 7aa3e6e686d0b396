import ArgumentParser
import Foundation
import SZNNCore
import SZNNEngine

/// `--threads`: the workers of the codec (chunks, tensors, rate grids, predictor trials) and of OpenBLAS.
struct ThreadOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Worker threads for coding, tuning and GEMM (default: the machine's cores).",
        discussion: "Results do not depend on it: every job is independent and written to its own place.",
        valueName: "count"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Sets the codec's and OpenBLAS's worker counts.
    func apply() {
        ParallelMap.threadCount = threads
        BLAS.setThreadCount(threads)
    }
}
