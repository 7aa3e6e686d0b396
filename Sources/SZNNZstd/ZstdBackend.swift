import CZstd
import SZNNCore

/// The zstd entropy backend: indices packed to the narrowest byte width, then libzstd.
///
/// Payload (FORMAT.md §5.1): one byte `width` (1, 2 or 4: bytes per zig-zagged index), then a
/// zstd frame. The width step matters because zstd is byte-oriented: typical weight indices fit
/// one byte, and packing them so quadruples what zstd's matcher sees per window.
public struct ZstdBackend: EntropyBackend {
    public let identifier = BackendIdentifier.zstd
    /// The zstd compression level (1 … 22; 1 suits quantization indices best, see `sz-nn compress --help`).
    public let level: Int32

    public init(level: Int = 1) throws {
        let maximum = Int(ZSTD_maxCLevel())
        guard (1...maximum).contains(level) else {
            throw SZNNError(.invalidArgument, "zstd level \(level) is out of range", hint: "use a level from 1 to \(maximum)")
        }
        self.level = Int32(level)
    }

    public func encode(indices: [Int32], shape: [Int]) throws -> [UInt8] {
        let width = IndexPacking.width(for: indices)
        let packed = IndexPacking.pack(indices, width: width)
        return try packed.withUnsafeBytes { try compress($0, prefix: UInt8(width)) }
    }

    public func decode(_ payload: UnsafeRawBufferPointer, count: Int, shape: [Int]) throws -> [Int32] {
        guard let width = payload.first.map(Int.init), [1, 2, 4].contains(width) else {
            throw SZNNError(.corruptPayload, "zstd payload has no valid index width byte")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw SZNNError(.corruptPayload, "zstd payload element count \(count) is too large") }
        let packed = try decompress(UnsafeRawBufferPointer(rebasing: payload.dropFirst()), byteCount: byteCount)
        return IndexPacking.unpack(packed, width: width, count: count)
    }

    public func encodeLossless(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        try compress(bytes)
    }

    public func decodeLossless(_ payload: UnsafeRawBufferPointer, byteCount: Int) throws -> [UInt8] {
        try decompress(payload, byteCount: byteCount)
    }

    /// One zstd frame of `source`, after the byte `prefix` when given; every libzstd return value is checked.
    ///
    /// The frame is written into uninitialized memory (zero-filling the compress bound first
    /// cost a pass over it) straight after the prefix (no copy to prepend it).
    private func compress(_ source: UnsafeRawBufferPointer, prefix: UInt8? = nil) throws -> [UInt8] {
        let capacity = ZSTD_compressBound(source.count)
        guard ZSTD_isError(capacity) == 0 else { throw zstdError("compressBound", capacity) }
        let prefixBytes = prefix == nil ? 0 : 1
        var written = 0
        let output = [UInt8](unsafeUninitializedCapacity: prefixBytes + capacity) { out, initialized in
            if let prefix { out[0] = prefix }
            written = ZSTD_compress(out.baseAddress.map { $0 + prefixBytes }, capacity, source.baseAddress, source.count, level)
            initialized = prefixBytes + (ZSTD_isError(written) == 0 ? written : 0)
        }
        guard ZSTD_isError(written) == 0 else { throw zstdError("compress", written) }
        return output
    }

    /// Decompresses one frame that must expand to exactly `byteCount` bytes.
    private func decompress(_ payload: UnsafeRawBufferPointer, byteCount: Int) throws -> [UInt8] {
        let declared = ZSTD_getFrameContentSize(payload.baseAddress, payload.count)
        // ZSTD_CONTENTSIZE_ERROR / _UNKNOWN are the two largest UInt64 values.
        guard declared < UInt64.max - 1, declared == UInt64(byteCount) else {
            throw SZNNError(.corruptPayload, "zstd frame declares \(declared >= UInt64.max - 1 ? "no valid size" : String(declared)) bytes, expected \(byteCount)")
        }
        var produced = 0
        // Uninitialized memory: a frame that writes fewer bytes than declared is rejected below,
        // and its unwritten tail is never read.
        let output = [UInt8](unsafeUninitializedCapacity: byteCount) { out, initialized in
            produced = ZSTD_decompress(out.baseAddress, byteCount, payload.baseAddress, payload.count)
            initialized = ZSTD_isError(produced) == 0 && produced == byteCount ? byteCount : 0
        }
        guard ZSTD_isError(produced) == 0 else { throw zstdError("decompress", produced) }
        guard produced == byteCount else {
            throw SZNNError(.corruptPayload, "zstd frame produced \(produced) bytes, expected \(byteCount)")
        }
        return output
    }

    private func zstdError(_ operation: String, _ code: Int) -> SZNNError {
        let name = String(cString: ZSTD_getErrorName(code))
        return SZNNError(operation == "decompress" ? .corruptPayload : .backendFailure, "zstd \(operation) failed: \(name)")
    }
}
