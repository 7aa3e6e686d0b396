import Foundation
import SZNNCore

/// Little-endian bytes written by the baseline codecs, and read back by their decoders.
///
/// Every field a baseline stores goes through here, so that the byte counts it reports are
/// the sizes of real, decodable payloads.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func append<Integer: FixedWidthInteger>(_ value: Integer) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(contentsOf other: [UInt8]) { bytes.append(contentsOf: other) }

    /// Appends the float32 bit patterns of `values`.
    mutating func appendFloat32(_ values: [Float]) {
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for value in values { append(value.bitPattern) }
    }

    /// Appends a 32-bit length, then the block.
    mutating func appendBlock(_ block: [UInt8]) {
        append(UInt32(block.count))
        bytes.append(contentsOf: block)
    }
}

/// Reads what `ByteWriter` wrote; every read is bounds-checked and fails with `corruptPayload`.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0
    /// Names the payload in error messages.
    let context: String

    init(_ bytes: [UInt8], context: String) {
        self.bytes = bytes
        self.context = context
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func integer<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
        let block = try take(MemoryLayout<Integer>.size)
        return block.withUnsafeBytes { Integer(littleEndian: $0.loadUnaligned(as: Integer.self)) }
    }

    /// `count` float32 values.
    mutating func float32(count: Int) throws -> [Float] {
        let block = try take(count * 4)
        return block.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// A block written by `appendBlock`.
    mutating func block() throws -> [UInt8] {
        Array(try take(Int(try integer(UInt32.self))))
    }

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else {
            throw SZNNError(.corruptPayload, "\(context): payload ends early (needs \(count) bytes at offset \(offset) of \(bytes.count))")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
}
