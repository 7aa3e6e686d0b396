import Foundation

/// Reads little-endian fields from bytes, throwing `truncated` instead of reading past the end.
struct ByteReader {
    private let data: Data
    /// Offset of the next byte to read, relative to the start of `data`.
    private(set) var offset: Int = 0
    /// What is being read, for error messages ("model.sznn, tensor 'fc1.weight'").
    var context: String

    init(_ data: Data, context: String) {
        self.data = data
        self.context = context
    }

    var remaining: Int { data.count - offset }

    mutating func bytes(_ count: Int, _ field: String) throws -> Data {
        guard count >= 0, count <= remaining else {
            throw SZNNError(.truncated, "\(context): file ends inside \(field) (needs \(count) bytes at offset \(offset), \(remaining) left)",
                            hint: "the file is incomplete; compress it again or fetch it again")
        }
        let start = data.startIndex + offset
        offset += count
        return data[start..<(start + count)]
    }

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
