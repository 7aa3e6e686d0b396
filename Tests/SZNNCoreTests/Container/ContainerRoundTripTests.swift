import Foundation
import SZNNCore
import SZNNZstd
import SZNNTestSupport
import Testing

/// A container survives encode → decode with its metadata and every kind of record.
@Suite("container round trip")
struct ContainerRoundTripTests {
    /// Metadata with nested objects, numbers and non-ASCII text (computed: `[String: Any]` is not Sendable).
    static var metadata: [String: Any] {[
        "tool": "sz-nn test", "source_name": "model.safetensors", "source_bytes": 1234,
        "model_metadata": ["format": "pt", "note": "ünïcode \" quote"],
        "settings": ["mode": "abs", "error_bound": 0.001],
    ]}

    /// Lossless integer, error-bounded uniform (zstd), per-slice (stored), Lorenzo, empty and scalar records.
    static func mixedContainer() throws -> Container {
        var generator = SeededGenerator(seed: 3)
        let weights = (0..<240).map { _ in generator.normal(standardDeviation: 0.1) }
        let weight = try BoundTestSupport.tensor(.float32, shape: [12, 20], values: weights, name: "layer.weight")
        let half = try BoundTestSupport.tensor(.float16, shape: [12, 20], values: weights, name: "layer.half")
        let steps = try Tensor(name: "steps", dtype: .int64, shape: [2], bytes: Data((0..<16).map { UInt8($0) }))
        let empty = try BoundTestSupport.tensor(.bfloat16, shape: [0, 3], values: [], name: "empty")
        let scalar = try BoundTestSupport.tensor(.float64, shape: [], values: [-0.0], name: "scalar")
        let zstd = try ZstdBackend()
        let perSlice = try ErrorBounds(axis: 0, values: (0..<12).map { $0 % 3 == 0 ? 0 : 1e-2 }, shape: [12, 20])
        return Container(metadata: metadata, records: [
            try TensorEncoder.encodeLossless(steps, backend: zstd),
            try TensorEncoder.encode(weight, settings: TensorSettings(bounds: try ErrorBounds(uniform: 1e-3), chunkElements: 50), backend: zstd),
            try TensorEncoder.encode(half, settings: TensorSettings(bounds: perSlice, predictor: .lorenzo1D, chunkElements: 7),
                                     backend: StoredBackend()),
            try TensorEncoder.encode(empty, settings: TensorSettings(bounds: try ErrorBounds(uniform: 0.1)), backend: zstd),
            try TensorEncoder.encode(scalar, settings: TensorSettings(bounds: try ErrorBounds(uniform: 0.1)), backend: StoredBackend()),
        ])
    }

    @Test("records and metadata come back field for field")
    func roundTrip() throws {
        let container = try Self.mixedContainer()
        let decoded = try ContainerDecoder.decode(try ContainerEncoder.encode(container), fileName: "mixed.sznn")
        #expect(try Self.canonicalJSON(decoded.metadata) == Self.canonicalJSON(Self.metadata))
        #expect(decoded.records.count == container.records.count)
        for (left, right) in zip(container.records, decoded.records) {
            #expect(left.name == right.name)
            #expect(left.dtype == right.dtype)
            #expect(left.shape == right.shape)
            #expect(left.storage == right.storage)
            #expect(left.backend == right.backend)
            #expect(left.predictor == right.predictor)
            #expect(left.radius == right.radius)
            #expect(left.bounds == right.bounds)
            #expect(left.chunkElements == right.chunkElements)
            #expect(left.payload == right.payload)
        }
        let storages = decoded.records.map(\.storage)
        #expect(storages == [.lossless, .errorBounded, .errorBounded, .errorBounded, .errorBounded])
    }

    @Test("the decoded model holds every tensor within its bound and keeps the model metadata")
    func decompressedModel() throws {
        let container = try Self.mixedContainer()
        let decoded = try ContainerDecoder.decode(try ContainerEncoder.encode(container), fileName: "mixed.sznn")
        let model = try ModelCodec.decompress(decoded, backends: BoundTestSupport.allBackends())
        #expect(model.metadata == ["format": "pt", "note": "ünïcode \" quote"])
        #expect(model.tensors.map(\.name) == ["steps", "layer.weight", "layer.half", "empty", "scalar"])
        #expect(model["steps"]?.bytes == Data((0..<16).map { UInt8($0) }))
        #expect(model["scalar"].map(BoundTestSupport.bits) == [(-0.0).bitPattern])
        #expect(model["empty"]?.shape == [0, 3])
    }

    /// The JSON text of `object` with sorted keys: equal text means equal metadata.
    static func canonicalJSON(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("an empty container round-trips")
    func emptyContainer() throws {
        let decoded = try ContainerDecoder.decode(try ContainerEncoder.encode(Container(metadata: [:], records: [])), fileName: "e.sznn")
        #expect(decoded.records.isEmpty)
        #expect(decoded.metadata.isEmpty)
    }
}
