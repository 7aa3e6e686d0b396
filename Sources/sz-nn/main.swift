import Foundation
import SZNNCLI
#if canImport(CMalloc)
import CMalloc

// Blocks of 1 MiB or more get mappings of their own, returned to the system when freed. By
// default glibc raises that threshold to the largest block freed so far (up to 32 MiB), after
// which the streaming windows' tensor buffers come from the heap and stay resident: compress of
// the 1 B-parameter bf16 checkpoint peaked at 363 MB, and at 287 MB with this (Benchmarks/scale).
_ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
#endif

exit(SZNNCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
