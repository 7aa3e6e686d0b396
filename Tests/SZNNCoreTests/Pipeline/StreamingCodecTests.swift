import Foundation
import SZNNCABAC
import SZNNCore
import SZNNTestSupport
import SZNNZstd
import Testing

/// The streaming compressor and decompressor write the bytes the in-memory codec writes.
@Suite("streaming codec")
struct StreamingCodecTests {
    static let plan = CompressionPlan(defaultRule: CompressionPlan.Rule(mode: .absolute, errorBound: 1e-3), losslessBelowElements: 64)
    static var metadata: [String: Any] { ["tool": "test", "source_name": "m.safetensors"] }

    /// Float tensors of three dtypes and very different sizes, one below the lossless threshold, an integer buffer and an empty tensor.
    static func model() throws -> Model {
        var tensors: [Tensor] = []
        for (number, shape) in [[300, 257], [7], [40, 30], [2, 3, 4, 4], [5000]].enumerated() {
            let values = Samples.laplace(count: shape.reduce(1, *), scale: 0.05, seed: UInt64(number + 1)).map(Float.init)
            let dtype: DType = [.float32, .bfloat16, .float16][number % 3]
            let template = try Tensor(name: "layer\(number).weight", dtype: dtype, shape: shape, bytes: Data(count: values.count * dtype.byteWidth))
            tensors.append(try Tensor(converting: values, like: template))
        }
        tensors.append(try Tensor(name: "steps", dtype: .int64, shape: [3], bytes: Data((0..<24).map { UInt8($0) })))
        tensors.append(try Tensor(name: "empty", dtype: .float32, shape: [0, 4], bytes: Data()))
        return Model(tensors: tensors, metadata: ["format": "pt"])
    }

    static func backends() throws -> [any EntropyBackend] { [try ZstdBackend(), try CABACBackend()] }

    /// A fresh directory for one test's files.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sznn-streaming-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The file the streaming compressor writes for `url` with `backend` and windows of `windowBytes`.
    static func streamed(_ url: URL, to output: URL, backend: any EntropyBackend, windowBytes: Int) throws -> Data {
        let source = try SafetensorsSource(url)
        try AtomicFile.write(to: output) { writer in
            _ = try ModelCodec.compress(source, plan: plan, backend: backend, metadata: metadata, into: &writer, windowBytes: windowBytes)
        }
        return try FileBytes.read(output)
    }

    @Test("streamed compression equals the in-memory container, byte for byte, for both backends and any window")
    func compressMatchesInMemory() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try Self.model()
        let input = directory.appendingPathComponent("m.safetensors")
        try ModelFile.write(model, to: input)
        let decoded = try ModelFile.read(from: input)
        for backend in try Self.backends() {
            let expected = try ContainerEncoder.encode(try ModelCodec.compress(decoded, plan: Self.plan, backend: backend, metadata: Self.metadata))
            for windowBytes in [1, 10_000, 1 << 30] {
                let output = directory.appendingPathComponent("m-\(backend.identifier.name)-\(windowBytes).sznn")
                #expect(try Self.streamed(input, to: output, backend: backend, windowBytes: windowBytes) == expected,
                        "\(backend.identifier.name), window \(windowBytes) bytes")
            }
        }
    }

    @Test("a safetensors file truncated after its header fails with E202 and leaves no output")
    func truncatedInputLeavesNothing() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("m.safetensors")
        let bytes = try Safetensors.encode(try Self.model())
        try bytes.prefix(bytes.count - 100).write(to: input)
        let output = directory.appendingPathComponent("m.sznn")
        #expect { try Self.streamed(input, to: output, backend: StoredBackend(), windowBytes: 1) } throws: { error in
            (error as? SZNNError)?.code == .malformedModelFile
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["m.safetensors"])
    }

    @Test("an error while records are being written removes the temporary and keeps the old file")
    func failureMidStreamLeavesOldFile() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("m.sznn")
        try Data("old".utf8).write(to: output)
        #expect(throws: SZNNError.self) {
            try AtomicFile.write(to: output) { writer in
                try writer.append(Data(repeating: 1, count: 1000))
                throw SZNNError(.corruptPayload, "stop halfway")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["m.sznn"])
        #expect(try FileBytes.read(output) == Data("old".utf8))
    }

    /// The safetensors file the streaming decompressor writes for the `.sznn` file `url`.
    static func streamedDecode(_ url: URL, to output: URL, windowBytes: Int) throws -> Data {
        let file = try ContainerFile(url)
        try AtomicFile.write(to: output) { writer in
            try ModelCodec.decompress(file, records: file.headers.indices, backends: [.zstd: try ZstdBackend(), .cabac: try CABACBackend()],
                                      into: &writer, windowBytes: windowBytes)
        }
        return try FileBytes.read(output)
    }

    @Test("streamed decompression equals the in-memory safetensors file, byte for byte, for both backends and any window")
    func decompressMatchesInMemory() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try Self.model()
        for backend in try Self.backends() {
            let bytes = try ContainerEncoder.encode(try ModelCodec.compress(model, plan: Self.plan, backend: backend, metadata: Self.metadata))
            let input = directory.appendingPathComponent("m-\(backend.identifier.name).sznn")
            try bytes.write(to: input)
            let decoded = try ModelCodec.decompress(try ContainerDecoder.decode(bytes, fileName: "m.sznn"), backends: [backend.identifier: backend])
            let expected = try Safetensors.encode(decoded)
            for windowBytes in [1, 10_000, 1 << 30] {
                let output = directory.appendingPathComponent("r-\(backend.identifier.name)-\(windowBytes).safetensors")
                #expect(try Self.streamedDecode(input, to: output, windowBytes: windowBytes) == expected, "\(backend.identifier.name), window \(windowBytes)")
            }
        }
    }

    @Test("a truncated or bit-flipped .sznn fails streaming with the in-memory decoder's code and leaves no output")
    func corruptContainerSameCode() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = try ContainerEncoder.encode(try ModelCodec.compress(try Self.model(), plan: Self.plan, backend: try ZstdBackend(), metadata: Self.metadata))
        var damaged: [Data] = [0, 3, 11, 40, bytes.count / 2, bytes.count - 1].map { bytes.prefix($0) }
        for offset in [5, 20, bytes.count / 3, bytes.count - 10] {
            var flipped = bytes
            flipped[offset] ^= 0x10
            damaged.append(flipped)
        }
        damaged.append(bytes + Data([0]))
        for (number, file) in damaged.enumerated() {
            let input = directory.appendingPathComponent("d\(number).sznn")
            try file.write(to: input)
            var expected: SZNNError.Code?
            do { _ = try ModelCodec.decompress(try ContainerDecoder.decode(file, fileName: "d.sznn"), backends: [.zstd: try ZstdBackend()]) } catch let error as SZNNError { expected = error.code }
            let output = directory.appendingPathComponent("d\(number).safetensors")
            var streamed: SZNNError.Code?
            do { _ = try Self.streamedDecode(input, to: output, windowBytes: 1 << 20) } catch let error as SZNNError { streamed = error.code }
            #expect(expected != nil && streamed == expected, "damage \(number): in memory \(String(describing: expected)), streamed \(String(describing: streamed))")
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { $0.hasSuffix(".sznn") })
    }
}

/// A sharded source is one model, in its index's `weight_map` order.
@Suite("sharded safetensors source")
struct ShardedSourceTests {
    @Test("tensors come in weight_map order as written, across shards, with the shards' bytes and CRC in order of first mention")
    func weightMapOrder() throws {
        let directory = try StreamingCodecTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try StreamingCodecTests.model()
        let first = Model(tensors: Array(model.tensors.prefix(3)), metadata: ["format": "pt"])
        let second = Model(tensors: Array(model.tensors.dropFirst(3)), metadata: ["format": "pt", "extra": "x"])
        try ModelFile.write(first, to: directory.appendingPathComponent("b.safetensors"))
        try ModelFile.write(second, to: directory.appendingPathComponent("a.safetensors"))
        // The index names a.safetensors first and interleaves the shards: its order wins.
        let order = [model.tensors[4], model.tensors[0], model.tensors[3], model.tensors[2], model.tensors[1]] + model.tensors.dropFirst(5)
        let weightMap = order.map { tensor in (tensor.name, first[tensor.name] != nil ? "b.safetensors" : "a.safetensors") }
        let index = directory.appendingPathComponent("m.safetensors.index.json")
        try SafetensorsShards.index(weightMap: weightMap, totalSize: 0).write(to: index)

        let source = try SafetensorsSource(index)
        #expect(source.items.map(\.entry.name) == order.map(\.name))
        #expect(try source.items.indices.map { try source.tensor(at: $0) } == order)
        #expect(source.metadata == ["format": "pt", "extra": "x"])
        let shards = try ["a", "b"].map { try FileBytes.read(directory.appendingPathComponent("\($0).safetensors")) }
        #expect(source.byteCount == shards[0].count + shards[1].count)
        #expect(try source.checksum() == (shards[0] + shards[1]).withUnsafeBytes { CRC32.checksum($0) })
    }
}
