import Foundation
import SZNNCABAC
import SZNNCore
import SZNNZstd

/// One-core throughput of sz-nn's two backends on the tensor the peers script reads
/// (Benchmarks/codec/throughput.sh puts them side by side in throughput.md).
enum ThroughputBenchmark {
    /// The two operating points of issue 13: a fine bound, and one near 1 bit per weight.
    static let bounds: [(label: String, value: Double)] = [("abs 1e-3", 1e-3), ("abs 3e-2", 3e-2)]

    /// 8 M Laplace(0, 0.02) float32 values (seed 4, as `speed`), written raw to `dumpPath`
    /// when given so that the peers code exactly the same bytes.
    static func tensor(dumpPath: String?) throws -> Tensor {
        let tensor = try Tensor(name: "laplace-8M", shape: [4096, 2048], float32: BenchTensors.laplace(count: 1 << 23, scale: 0.02, seed: 4))
        if let dumpPath { try tensor.bytes.write(to: URL(fileURLWithPath: dumpPath)) }
        return tensor
    }

    /// Prints one markdown row per backend and bound: payload bytes, bits per weight, the
    /// largest error seen, and encode / decode MB/s (float32 bytes in) by process CPU time,
    /// median of `runs`. Run under `taskset -c 0` for the one-core figure.
    static func run(runs: Int, dumpPath: String?) throws {
        let tensor = try tensor(dumpPath: dumpPath)
        let original = tensor.floatValues() ?? []
        let backends: [(String, any EntropyBackend)] = [("sz-nn cabac", try CABACBackend()), ("sz-nn zstd", try ZstdBackend())]
        let megabytes = Double(tensor.bytes.count) / 1e6
        for bound in bounds {
            let settings = TensorSettings(bounds: try ErrorBounds(uniform: bound.value))
            for (name, backend) in backends {
                var record: TensorRecord?
                let encode = try CodecBenchmark.median(runs) { record = try TensorEncoder.encode(tensor, settings: settings, backend: backend) }
                guard let record else { continue }
                var decoded: Tensor?
                let decode = try CodecBenchmark.median(runs) { decoded = try TensorDecoder.decode(record, backends: [backend.identifier: backend]) }
                let values = decoded?.floatValues() ?? []
                let maximumError = zip(original, values).reduce(0.0) { max($0, Double(($1.0 - $1.1).magnitude)) }
                print("| \(name) | \(bound.label) | \(record.payload.count) | \(CodecBenchmark.fixed(Double(record.payload.count * 8) / Double(tensor.elementCount), 3)) "
                      + "| \(String(format: "%.3g", maximumError)) | \(CodecBenchmark.fixed(megabytes / encode, 0)) | \(CodecBenchmark.fixed(megabytes / decode, 0)) |")
            }
        }
    }
}
