/// The backend that codes nothing: indices as zig-zagged u32, bytes as they are.
///
/// It is the reference the other backends are measured against, and what tiny tensors use.
public struct StoredBackend: EntropyBackend {
    public let identifier = BackendIdentifier.stored
    public init() {}

    public func encode(indices: [Int32], shape: [Int]) throws -> [UInt8] {
        IndexPacking.pack(indices, width: 4)
    }

    public func decode(_ payload: UnsafeRawBufferPointer, count: Int, shape: [Int]) throws -> [Int32] {
        guard payload.count == count * 4 else {
            throw SZNNError(.corruptPayload, "stored index stream has \(payload.count) bytes for \(count) indices")
        }
        return IndexPacking.unpack(Array(payload), width: 4, count: count)
    }

    public func encodeLossless(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] { Array(bytes) }

    public func decodeLossless(_ payload: UnsafeRawBufferPointer, byteCount: Int) throws -> [UInt8] {
        guard payload.count == byteCount else {
            throw SZNNError(.corruptPayload, "stored stream has \(payload.count) bytes, expected \(byteCount)")
        }
        return Array(payload)
    }
}
