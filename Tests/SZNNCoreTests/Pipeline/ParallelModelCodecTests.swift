import Foundation
import SZNNCore
import SZNNTestSupport
import Testing

/// The model codec runs (tensor, chunk) pairs on all workers: the file it writes must not depend
/// on the worker count, and must equal coding each tensor alone.
@Suite("parallel model codec")
struct ParallelModelCodecTests {
    static let plan = CompressionPlan(defaultRule: CompressionPlan.Rule(mode: .absolute, errorBound: 2e-3), losslessBelowElements: 16)

    /// Tensors of very different sizes (two chunks, one chunk, below the lossless threshold) and an integer buffer.
    static func model() throws -> Model {
        var tensors: [Tensor] = []
        for (number, shape) in [[1030, 1024], [7], [50, 20], [3, 3, 4, 4], [1000]].enumerated() {
            let count = shape.reduce(1, *)
            tensors.append(try Tensor(name: "t\(number)", shape: shape,
                                      float32: Samples.laplace(count: count, scale: 0.05, seed: UInt64(number)).map(Float.init)))
        }
        tensors.append(try Tensor(name: "steps", dtype: .int32, shape: [5], bytes: Data(repeating: 3, count: 20)))
        return Model(tensors: tensors)
    }

    @Test("the container is the same on 1 and 3 workers and equals per-tensor encoding")
    func containerIndependentOfWorkers() throws {
        let model = try Self.model()
        let saved = ParallelMap.threadCount
        defer { ParallelMap.threadCount = saved }
        var files: [Data] = []
        for workers in [1, 3] {
            ParallelMap.threadCount = workers
            var reports: [(Int, Int)] = []
            let container = try ModelCodec.compress(model, plan: Self.plan, backend: StoredBackend(), progress: { reports.append(($0, $1)) })
            files.append(try ContainerEncoder.encode(container))
            #expect(reports.map(\.0) == Array(0...model.tensors.count), "progress counts every tensor once, in order")
            let restored = try ModelCodec.decompress(try ContainerDecoder.decode(files.last!, fileName: "m.sznn"),
                                                     backends: [.stored: StoredBackend()])
            #expect(restored.tensors.map(\.name) == model.tensors.map(\.name))
        }
        #expect(files[0] == files[1])
        // Each tensor coded alone (the first has two 2^20-element chunks).
        ParallelMap.threadCount = 2
        let container = try ContainerDecoder.decode(files[0], fileName: "m.sznn")
        for (tensor, record) in zip(model.tensors, container.records) {
            guard let settings = try Self.plan.settings(for: tensor), tensor.dtype.isFloatingPoint else {
                #expect(record.storage == .lossless)
                continue
            }
            let alone = try TensorEncoder.encode(tensor, settings: settings, backend: StoredBackend())
            #expect(alone.payload == record.payload, "\(tensor.name)")
        }
    }
}
