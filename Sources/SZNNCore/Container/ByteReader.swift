import Foundation

/// A forward-only source of little-endian fields: bytes in memory (`ByteReader`) or a file (`FileByteReader`).
///
/// The container decoder is written once against it, so a file decoded in memory and one
/// streamed record by record pass the same checks and fail with the same error codes.
protocol ByteInput {
    /// What is being read, for error messages ("model.sznn, tensor 'fc1.weight'").
    var context: String { get set }
    /// Offset of the next byte to read, relative to the start of the input.
    var offset: Int { get }
    /// Bytes left after `offset`.
    var remaining: Int { get }
    /// The next `count` bytes (E303 when fewer remain).
    mutating func bytes(_ count: Int, _ field: String) throws -> Data
    /// Moves past the next `count` bytes without reading them (E303 when fewer remain).
    mutating func skip(_ count: Int, _ field: String) throws
}

extension ByteInput {
    mutating func integer<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws -> T {
        let slice = try bytes(MemoryLayout<T>.size, field)
        return slice.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
    }

    mutating func float64(_ field: String) throws -> Double {
        Double(bitPattern: try integer(UInt64.self, field))
    }

    /// A u64 length or count that must fit in `Int` and in what is left of the input.
    mutating func length(_ field: String) throws -> Int {
        let value = try integer(UInt64.self, field)
        guard value <= UInt64(remaining) else {
            throw SZNNError(.truncated, "\(context): \(field) says \(value) bytes but only \(remaining) remain",
                            hint: "the file is incomplete or corrupt")
        }
        return Int(value)
    }

    /// Throws E303 unless `count` bytes remain: the one wording of "the file ends here".
    func require(_ count: Int, _ field: String) throws {
        guard count >= 0, count <= remaining else {
            throw SZNNError(.truncated, "\(context): file ends inside \(field) (needs \(count) bytes at offset \(offset), \(remaining) left)",
                            hint: "the file is incomplete; compress it again or fetch it again")
        }
    }
}

/// Reads little-endian fields from bytes, throwing `truncated` instead of reading past the end.
struct ByteReader: ByteInput {
    private let data: Data
    private(set) var offset: Int = 0
    var context: String

    init(_ data: Data, context: String) {
        self.data = data
        self.context = context
    }

    var remaining: Int { data.count - offset }

    mutating func bytes(_ count: Int, _ field: String) throws -> Data {
        try require(count, field)
        let start = data.startIndex + offset
        offset += count
        return data[start..<(start + count)]
    }

    mutating func skip(_ count: Int, _ field: String) throws {
        try require(count, field)
        offset += count
    }
}

/// Appends little-endian fields to a byte buffer.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Double) { append(value.bitPattern) }

    mutating func append<S: Sequence>(contentsOf other: S) where S.Element == UInt8 {
        bytes.append(contentsOf: other)
    }
}
