import Foundation
import SZNNZstd

/// Lossless byte blocks through libzstd, with the length needed to decode them.
enum ZstdBlock {
    // A high level: these blocks are small and coded once per candidate, so ratio beats speed.
    static let level = 12

    /// Appends the block's raw length and its zstd frame to `writer`.
    static func append(_ bytes: [UInt8], to writer: inout ByteWriter) throws {
        let frame = try bytes.withUnsafeBytes { try ZstdBackend(level: level).encodeLossless($0) }
        writer.append(UInt32(bytes.count))
        writer.appendBlock(frame)
    }

    /// Reads a block written by `append`.
    static func read(from reader: inout ByteReader) throws -> [UInt8] {
        let byteCount = Int(try reader.integer(UInt32.self))
        let frame = try reader.block()
        return try frame.withUnsafeBytes { try ZstdBackend(level: level).decodeLossless($0, byteCount: byteCount) }
    }
}
