import Foundation
import SZNNCABAC
import SZNNCore
import SZNNZstd

/// The one entry point every reader of untrusted bytes is fuzzed through: `.sznn` containers
/// (decoded in full, with every backend, raw and with their CRCs re-sealed), safetensors, `.npz`, `.npy` and ONNX models.
///
/// The input's first bytes choose the reader, the way a user's file extension would, so one
/// corpus covers them all and a mutation can wander from one format into another. Whatever the
/// bytes, the call must return or throw an `SZNNError`; a trap, a hang or any other error is a bug.
public enum FuzzTarget {
    /// The decode budget of a fuzzed container: small, so an input claiming gigabytes is refused
    /// (E406) instead of exhausting the fuzzer's memory limit.
    public static let budget = DecodeBudget(maximumBytes: 64 << 20)

    /// The readers, by the signature that selects them.
    public enum Reader: String, CaseIterable, Sendable {
        case container, npz, npy, safetensors, onnx

        /// The reader for `bytes`: magic numbers first, then safetensors' JSON header, else ONNX.
        public init(for bytes: Data) {
            let head = [UInt8](bytes.prefix(9))
            if head.starts(with: Array("SZNN".utf8)) { self = .container }
            else if head.starts(with: [0x50, 0x4B]) { self = .npz }
            else if head.starts(with: [0x93] + Array("NUMPY".utf8)) { self = .npy }
            else if head.count == 9, head[8] == UInt8(ascii: "{") { self = .safetensors }
            else { self = .onnx }
        }
    }

    /// Runs `bytes` through the reader they select; throws only `SZNNError`s.
    public static func consume(_ bytes: Data) throws {
        switch Reader(for: bytes) {
        case .container:
            // As mutated (the checksums must catch it), then with every CRC re-sealed, so that the
            // structural checks behind the checksums are fuzzed too.
            var rawError: SZNNError?
            do { try consumeContainer(bytes) } catch let error as SZNNError { rawError = error }
            let resealed = ContainerResealer.resealed(bytes)
            if resealed != bytes { try consumeContainer(resealed) }
            if let rawError { throw rawError }
        case .npz:
            _ = try NumpyArchive.decode(bytes, fileName: "fuzz.npz")
        case .npy:
            _ = try NumpyArray.decode(bytes, name: "fuzz", fileName: "fuzz.npy")
        case .safetensors:
            _ = try Safetensors.decode(bytes, fileName: "fuzz.safetensors")
        case .onnx:
            // External data resolves against a folder that does not exist: the reader must say so.
            let url = URL(fileURLWithPath: "/nonexistent-sznn-fuzz/fuzz.onnx")
            let model = try ONNXModelFile.decode(bytes, from: url)
            if let graph = model.graph { _ = try ONNXGraph(graph, fileName: "fuzz.onnx") }
        }
    }

    /// Decodes a container in full with every backend, and parses its graph.
    static func consumeContainer(_ bytes: Data) throws {
        let container = try ContainerDecoder.decode(bytes, fileName: "fuzz.sznn")
        let backends: [BackendIdentifier: any EntropyBackend] = [
            .stored: StoredBackend(), .zstd: try ZstdBackend(), .cabac: try CABACBackend(),
        ]
        let model = container.base == nil
            ? try ModelCodec.decompress(container, backends: backends, budget: budget, fileName: "fuzz.sznn")
            : try decodeUpdate(container, backends: backends)
        if let graph = model.graph { _ = try ONNXGraph(graph, fileName: "fuzz.sznn") }
    }

    /// An update's records, its delta records decoded against zeros of their shape: no fuzzed
    /// input can match a base digest, and the delta payloads are what the reader must survive.
    static func decodeUpdate(_ container: Container, backends: [BackendIdentifier: any EntropyBackend]) throws -> Model {
        try budget.check(container, fileName: "fuzz.sznn")
        return Model(tensors: try container.records.map { record in
            let base = record.storage == .delta
                ? try Tensor(name: record.name, dtype: record.dtype, shape: record.shape, bytes: Data(count: record.originalByteCount)) : nil
            return try TensorDecoder.decode(record, backends: backends, base: base)
        }, graph: container.graph)
    }
}
