import Foundation
import SZNNCore

/// Codes one layer of a model update (a weight delta) into the bytes a client or server sends.
///
/// A message is self-describing given the layer's shape (which both sides know from the
/// architecture): `decode(encode(x))` needs nothing else. Byte counts are what the ledger bills.
public protocol UpdateCodec: Sendable {
    /// Codes `values` (the update plus the sender's error-feedback residual, float32, C order).
    func encode(_ values: [Float], shape: [Int]) throws -> [UInt8]

    /// The values a receiver rebuilds from `bytes`, `shape.reduce(1, *)` of them.
    func decode(_ bytes: [UInt8], shape: [Int]) throws -> [Float]
}

/// The uncompressed upload and download of plain FedAvg: every value as 32-bit float.
public struct Float32Codec: UpdateCodec {
    public init() {}

    public func encode(_ values: [Float], shape: [Int]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values { bytes.appendLittleEndian(value.bitPattern) }
        return bytes
    }

    public func decode(_ bytes: [UInt8], shape: [Int]) throws -> [Float] {
        let count = shape.reduce(1, *)
        var reader = MessageReader(bytes)
        let values = try (0..<count).map { _ in Float(bitPattern: try reader.uint32()) }
        try reader.finish()
        return values
    }
}

/// Reads the little-endian fields of a message, failing with `corruptPayload` past its end.
struct MessageReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func uint8() throws -> UInt8 {
        guard offset < bytes.count else { throw SZNNError(.corruptPayload, "update message ends after \(bytes.count) bytes") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint32() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw SZNNError(.corruptPayload, "update message ends after \(bytes.count) bytes") }
        defer { offset += 4 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    /// Moves past `count` bytes that another reader consumed.
    mutating func skip(_ count: Int) throws {
        guard offset + count <= bytes.count else { throw SZNNError(.corruptPayload, "update message ends after \(bytes.count) bytes") }
        offset += count
    }

    /// The bytes not read yet.
    var rest: ArraySlice<UInt8> { bytes[offset...] }

    /// Throws unless every byte was read.
    func finish() throws {
        guard offset == bytes.count else { throw SZNNError(.corruptPayload, "update message has \(bytes.count - offset) trailing bytes") }
    }
}

extension Array where Element == UInt8 {
    /// Appends the four bytes of `value`, least significant first (every message field is little-endian).
    mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}

/// The root mean square of `values` (0 for none), accumulated in double precision.
func rootMeanSquare(_ values: [Float]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sum = values.reduce(0.0) { $0 + Double($1) * Double($1) }
    return (sum / Double(values.count)).squareRoot()
}
