import Foundation
import SZNNCABAC
import SZNNCore
import SZNNZstd

/// The measurements behind Benchmarks/codec/results.md; each prints a markdown table.
enum CodecBenchmark {
    static let bounds: [(label: String, mode: ErrorBoundMode, value: Double)] = [
        ("abs 1e-3", .absolute, 1e-3), ("abs 5e-3", .absolute, 5e-3), ("abs 1e-2", .absolute, 1e-2), ("rel 1e-2", .relative, 1e-2),
    ]

    /// Order-0 entropy of the indices in bits per element (the limit for an i.i.d. source).
    static func entropy(_ indices: [Int32]) -> Double {
        var counts: [Int32: Int] = [:]
        for index in indices { counts[index, default: 0] += 1 }
        let total = Double(indices.count)
        return counts.values.reduce(0) { sum, count in
            let probability = Double(count) / total
            return sum - probability * log2(probability)
        }
    }

    static func indices(_ tensor: Tensor, _ settings: TensorSettings) throws -> [Int32] {
        try TensorEncoder.quantizedChunks(tensor, settings: settings) { $0.indices }.results.flatMap { $0 }
    }

    /// Ratio, bits per weight against the order-0 entropy, and the estimator's error.
    static func ratio() throws {
        let cabac = try CABACBackend()
        let zstd = try ZstdBackend()
        print("| tensor | bound | zero indices | H0 bits/w | cabac bits/w | over H0 | cabac ratio | zstd ratio | estimate error |")
        print("|---|---|---|---|---|---|---|---|---|")
        for tensor in try BenchTensors.all(includeLarge: false) {
            for bound in bounds {
                let settings = TensorSettings(bounds: try ErrorBounds.resolve(mode: bound.mode, value: bound.value, for: tensor))
                let all = try indices(tensor, settings)
                let record = try TensorEncoder.encode(tensor, settings: settings, backend: cabac)
                let zstdRecord = try TensorEncoder.encode(tensor, settings: settings, backend: zstd)
                let bits = Double(record.payload.count * 8) / Double(tensor.elementCount)
                let limit = entropy(all)
                let estimate = try cabac.estimatedBits(tensor, settings: settings)
                let zeros = Double(all.count { $0 == 0 }) / Double(all.count)
                print("| \(tensor.name) | \(bound.label) | \(fixed(zeros * 100, 1)) % | \(fixed(limit, 3)) | \(fixed(bits, 3)) | \(percent(bits / limit - 1)) "
                      + "| \(fixed(Double(tensor.bytes.count) / Double(record.payload.count), 2)) "
                      + "| \(fixed(Double(tensor.bytes.count) / Double(zstdRecord.payload.count), 2)) "
                      + "| \(percent(estimate / Double(record.payload.count * 8) - 1)) |")
            }
        }
    }

    /// End-to-end MB/s (float32 bytes in) of TensorEncoder.encode and TensorDecoder.decode with
    /// the CABAC backend, median of `runs`, by wall time and by process CPU time (on a shared
    /// machine the CPU-time figure under `taskset -c 0` is the idle single-core speed); then the
    /// backend alone on one chunk. Run once under `taskset -c 0` and once on both cores.
    static func speed(runs: Int) throws {
        let cabac = try CABACBackend()
        let tensor = try Tensor(name: "laplace-8M", shape: [4096, 2048], float32: BenchTensors.laplace(count: 1 << 23, scale: 0.02, seed: 4))
        let speedBounds = bounds + [("abs 2e-2", .absolute, 2e-2), ("abs 5e-2", .absolute, 5e-2)]
        print("| bound | bits/w | encode MB/s wall | decode MB/s wall | encode MB/s CPU | decode MB/s CPU | backend only: encode MB/s CPU | decode MB/s CPU |")
        print("|---|---|---|---|---|---|---|---|")
        for bound in speedBounds {
            let settings = TensorSettings(bounds: try ErrorBounds.resolve(mode: bound.mode, value: bound.value, for: tensor))
            var record: TensorRecord?
            let encodeWall = try medianWall(runs) { record = try TensorEncoder.encode(tensor, settings: settings, backend: cabac) }
            let encode = try median(runs) { record = try TensorEncoder.encode(tensor, settings: settings, backend: cabac) }
            guard let record else { continue }
            let decodeWall = try medianWall(runs) { _ = try TensorDecoder.decode(record, backends: [.cabac: cabac]) }
            let decode = try median(runs) { _ = try TensorDecoder.decode(record, backends: [.cabac: cabac]) }
            // The backend alone on one chunk's indices, to separate coding from quantization.
            let chunk = try TensorEncoder.quantizedChunks(tensor, settings: settings) { $0.indices }.results[0]
            var payload: [UInt8] = []
            let coding = try median(runs) { payload = try cabac.encode(indices: chunk, shape: tensor.shape) }
            let decoding = try median(runs) {
                _ = try payload.withUnsafeBytes { try cabac.decode($0, count: chunk.count, shape: tensor.shape) }
            }
            let megabytes = Double(tensor.bytes.count) / 1e6
            let chunkMegabytes = Double(chunk.count * 4) / 1e6
            print("| \(bound.label) | \(fixed(Double(record.payload.count * 8) / Double(tensor.elementCount), 3)) "
                  + "| \(fixed(megabytes / encodeWall, 0)) | \(fixed(megabytes / decodeWall, 0)) "
                  + "| \(fixed(megabytes / encode, 0)) | \(fixed(megabytes / decode, 0)) "
                  + "| \(fixed(chunkMegabytes / coding, 0)) | \(fixed(chunkMegabytes / decoding, 0)) |")
        }
    }

    /// The size cost of independent 1 M-element chunks against one chunk for the whole tensor.
    static func chunks() throws {
        let cabac = try CABACBackend()
        let tensor = try Tensor(name: "laplace-8M", shape: [4096, 2048], float32: BenchTensors.laplace(count: 1 << 23, scale: 0.02, seed: 4))
        print("| bound | one chunk (bytes) | 1 M-element chunks (bytes) | cost |")
        print("|---|---|---|---|")
        for bound in bounds {
            let bounds = try ErrorBounds.resolve(mode: bound.mode, value: bound.value, for: tensor)
            let whole = try TensorEncoder.encode(tensor, settings: TensorSettings(bounds: bounds, chunkElements: tensor.elementCount), backend: cabac)
            let split = try TensorEncoder.encode(tensor, settings: TensorSettings(bounds: bounds), backend: cabac)
            print("| \(bound.label) | \(whole.payload.count) | \(split.payload.count) | \(percent(Double(split.payload.count) / Double(whole.payload.count) - 1)) |")
        }
    }

    /// Bits per weight for each binarization and context choice (what README.md's choices rest on).
    static func tune(filter: String) throws {
        let variants: [(String, CABACBackend)] = [
            ("NNC: N=10 prev, bypass suffix, (4,7)", try CABACBackend(greaterCount: 10, rateCandidates: [AdaptationRates(fast: 4, slow: 7)],
                                                                      contexts: .previous, modelsSuffix: false)),
            ("N=10 trial, bypass suffix", try CABACBackend(greaterCount: 10, modelsSuffix: false)),
            ("N=10 prev", try CABACBackend(greaterCount: 10, contexts: .previous)),
            ("N=10 neighbours", try CABACBackend(greaterCount: 10, contexts: .neighbours)),
            ("N=10 trial", try CABACBackend(greaterCount: 10)),
            ("N=1 trial", try CABACBackend(greaterCount: 1)),
            ("**N=2 trial (default)**", try CABACBackend()),
            ("N=2 trial, (4,7) only", try CABACBackend(rateCandidates: [AdaptationRates(fast: 4, slow: 7)])),
            ("N=5 trial", try CABACBackend(greaterCount: 5)),
            ("N=15 trial", try CABACBackend(greaterCount: 15)),
        ]
        print("| tensor | bound | H0 | " + variants.map(\.0).joined(separator: " | ") + " |")
        print("|---|---|---|" + String(repeating: "---|", count: variants.count))
        for tensor in try BenchTensors.all(includeLarge: false) where filter.isEmpty || tensor.name.contains(filter) {
            for bound in bounds {
                let settings = TensorSettings(bounds: try ErrorBounds.resolve(mode: bound.mode, value: bound.value, for: tensor))
                let limit = entropy(try indices(tensor, settings))
                let sizes = try variants.map { _, backend in
                    Double(try TensorEncoder.encode(tensor, settings: settings, backend: backend).payload.count * 8) / Double(tensor.elementCount)
                }
                print("| \(tensor.name) | \(bound.label) | \(fixed(limit, 4)) | " + sizes.map { fixed($0, 4) }.joined(separator: " | ") + " |")
            }
        }
    }

    /// Bits per weight with each predictor, and which one automatic selection picks.
    static func predictors() throws {
        let cabac = try CABACBackend()
        let kinds = PredictorKind.allCases
        print("| tensor | bound | " + kinds.map(\.name).joined(separator: " | ") + " | selected |")
        print("|---|---|" + String(repeating: "---|", count: kinds.count + 1))
        for tensor in try BenchTensors.all(includeLarge: false) {
            for bound in bounds.prefix(2) {
                let settings = TensorSettings(bounds: try ErrorBounds.resolve(mode: bound.mode, value: bound.value, for: tensor))
                let sizes = try kinds.map { kind -> Double in
                    var withKind = settings
                    withKind.predictor = kind
                    return Double(try TensorEncoder.encode(tensor, settings: withKind, backend: cabac).payload.count * 8) / Double(tensor.elementCount)
                }
                let selected = try PredictorSelection.select(for: tensor, settings: settings) { indices, shape in
                    cabac.estimatedBits(indices: indices, shape: shape)
                }
                print("| \(tensor.name) | \(bound.label) | " + sizes.map { fixed($0, 3) }.joined(separator: " | ") + " | \(selected.name) |")
            }
        }
    }

    /// The median process CPU time in seconds of `runs` calls. CPU time rather than wall time,
    /// because the benchmark machine is shared: on one core (`taskset -c 0`) it is what the
    /// wall time would be on an idle core; on two it is the total work (see `speed`).
    static func median(_ runs: Int, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<max(runs, 1) {
            let start = processTime()
            try body()
            times.append(processTime() - start)
        }
        return times.sorted()[times.count / 2]
    }

    /// The median wall time in seconds of `runs` calls.
    static func medianWall(_ runs: Int, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<max(runs, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    static func processTime() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    static func percent(_ value: Double) -> String { String(format: "%+.2f %%", value * 100).replacingOccurrences(of: "+-", with: "-") }
}
