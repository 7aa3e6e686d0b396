import Foundation
import SZNNCABAC
import SZNNCore
import SZNNZstd

/// sz-nn's codec benchmark (Benchmarks/codec/README.md): `SZNNBench ratio | speed | tune | chunks | predictors | throughput`.
let arguments = CommandLine.arguments.dropFirst()
let mode = arguments.first ?? "ratio"
do {
    switch mode {
    case "ratio": try CodecBenchmark.ratio()
    case "speed": try CodecBenchmark.speed(runs: Int(arguments.dropFirst().first ?? "") ?? 5)
    case "tune": try CodecBenchmark.tune(filter: arguments.dropFirst().first ?? "")
    case "chunks": try CodecBenchmark.chunks()
    case "predictors": try CodecBenchmark.predictors()
    case "throughput":
        let rest = Array(arguments.dropFirst())
        try ThroughputBenchmark.run(runs: Int(rest.first ?? "") ?? 5, dumpPath: rest.count > 1 ? rest[1] : nil)
    default:
        FileHandle.standardError.write(Data("usage: SZNNBench ratio | speed [runs] | tune [tensor-name-part] | chunks | predictors | throughput [runs] [raw-f32-dump-path]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
