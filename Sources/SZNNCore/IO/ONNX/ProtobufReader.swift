import Foundation

/// Reads the protobuf wire format field by field, bounds-checked, for the ONNX reader.
///
/// Nothing read is trusted: every length is checked against what remains before a byte is
/// touched, varints are at most 10 bytes and must fit 64 bits, and nested messages carry a depth
/// so a hostile file cannot recurse without end. Errors name the file and the byte offset.
struct ProtobufReader {
    /// The four wire types a field may use (groups, 3 and 4, are rejected).
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// The value of one field, as the wire says it.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        /// The payload of a length-delimited field: a slice of the input (same indices).
        case bytes(Data)
    }

    /// One field: its number, its value, and the range of the whole field (tag included) in the input.
    struct Field {
        let number: Int
        let value: Value
        let range: Range<Int>
    }

    /// Deepest nesting of messages the reader accepts.
    static let maximumDepth = 64

    private let data: Data
    /// Index of the next byte (an index of `data`, which may be a slice).
    private var index: Int
    private let end: Int
    /// Index of the file's first byte, so offsets in messages count from the start of the file.
    private let origin: Int
    /// Nesting depth of the message being read (0 for the top level).
    let depth: Int
    /// The file being read, for error messages.
    let fileName: String

    /// A reader of the whole of `data`, a message at the top level of `fileName`.
    init(_ data: Data, fileName: String) {
        self.init(data, fileName: fileName, origin: data.startIndex, depth: 0)
    }

    private init(_ data: Data, fileName: String, origin: Int, depth: Int) {
        self.data = data
        self.index = data.startIndex
        self.end = data.endIndex
        self.origin = origin
        self.depth = depth
        self.fileName = fileName
    }

    /// True when every field has been read.
    var isAtEnd: Bool { index >= end }

    /// A reader of a nested message (`bytes` from a `.bytes` value of this reader).
    func nested(_ bytes: Data, _ what: String) throws -> ProtobufReader {
        guard depth < Self.maximumDepth else {
            throw failure("\(what) is nested more than \(Self.maximumDepth) messages deep", at: bytes.startIndex)
        }
        return ProtobufReader(bytes, fileName: fileName, origin: origin, depth: depth + 1)
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws -> Field? {
        guard index < end else { return nil }
        let start = index
        let key = try varint("field key")
        let number = key >> 3
        guard number >= 1, number <= (1 << 29) - 1 else { throw failure("field number \(number) is out of range", at: start) }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw failure("field \(number) has unsupported wire type \(key & 7)", at: start)
        }
        let value: Value
        switch wireType {
        case .varint: value = .varint(try varint("varint of field \(number)"))
        case .fixed64: value = .fixed64(try fixed(UInt64.self, "fixed64 of field \(number)"))
        case .fixed32: value = .fixed32(try fixed(UInt32.self, "fixed32 of field \(number)"))
        case .lengthDelimited:
            let lengthAt = index
            let length = try varint("length of field \(number)")
            guard length <= UInt64(end - index) else {
                throw failure("field \(number) says \(length) bytes but only \(end - index) remain", at: lengthAt)
            }
            value = .bytes(data[index..<(index + Int(length))])
            index += Int(length)
        }
        return Field(number: Int(number), value: value, range: start..<index)
    }

    /// A base-128 varint of at most 10 bytes whose value fits 64 bits.
    private mutating func varint(_ what: String) throws -> UInt64 {
        let start = index
        var result: UInt64 = 0
        for position in 0..<10 {
            guard index < end else { throw failure("the message ends inside the \(what)", at: start) }
            let byte = data[index]
            index += 1
            if position == 9, byte > 1 { throw failure("the \(what) overflows 64 bits", at: start) }
            result |= UInt64(byte & 0x7F) << UInt64(7 * position)
            if byte & 0x80 == 0 { return result }
        }
        throw failure("the \(what) is longer than 10 bytes", at: start)
    }

    /// A little-endian fixed-width integer.
    private mutating func fixed<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws -> T {
        let width = MemoryLayout<T>.size
        guard end - index >= width else { throw failure("the message ends inside the \(what)", at: index) }
        var value: T = 0
        for position in 0..<width { value |= T(data[index + position]) << (8 * position) }
        index += width
        return value
    }

    /// The error for a malformed message at input index `at`, with its offset in the file.
    func failure(_ message: String, at position: Int) -> SZNNError {
        SZNNError(.malformedModelFile, "\(fileName): ONNX protobuf \(message) at byte \(position - origin)",
                  hint: "the file is truncated or not an ONNX model; export it again")
    }

    /// The error for a field with an unexpected wire type.
    func wrongType(_ field: Field, _ what: String) -> SZNNError {
        failure("field \(field.number) (\(what)) has an unexpected wire type", at: field.range.lowerBound)
    }
}

/// Typed views of field values, accepting packed and unpacked repeated fields alike.
extension ProtobufReader {
    /// The bytes of a length-delimited field.
    func bytes(_ field: Field, _ what: String) throws -> Data {
        guard case .bytes(let payload) = field.value else { throw wrongType(field, what) }
        return payload
    }

    /// The UTF-8 text of a length-delimited field.
    func string(_ field: Field, _ what: String) throws -> String {
        guard let text = String(data: try bytes(field, what), encoding: .utf8) else {
            throw failure("\(what) is not valid UTF-8", at: field.range.lowerBound)
        }
        return text
    }

    /// The value of a varint field.
    func varint(_ field: Field, _ what: String) throws -> UInt64 {
        guard case .varint(let value) = field.value else { throw wrongType(field, what) }
        return value
    }

    /// A signed 64-bit (or sign-extended 32-bit) varint field; enums are read this way too, so a
    /// negative or out-of-range enum is an unknown value, never a trapping conversion.
    func int64(_ field: Field, _ what: String) throws -> Int64 { Int64(bitPattern: try varint(field, what)) }

    /// One or more varints: a single value, or a packed run.
    func varints(_ field: Field, _ what: String) throws -> [UInt64] {
        switch field.value {
        case .varint(let value): return [value]
        case .bytes(let payload):
            var run = try nested(payload, what)
            var values: [UInt64] = []
            while !run.isAtEnd { values.append(try run.varint(what)) }
            return values
        default: throw wrongType(field, what)
        }
    }

    /// One or more fixed32 words: a single value, or a packed run.
    func fixed32s(_ field: Field, _ what: String) throws -> [UInt32] {
        switch field.value {
        case .fixed32(let value): return [value]
        case .bytes(let payload):
            var run = try nested(payload, what)
            var values: [UInt32] = []
            values.reserveCapacity(payload.count / 4)
            while !run.isAtEnd { values.append(try run.fixed(UInt32.self, what)) }
            return values
        default: throw wrongType(field, what)
        }
    }

    /// One or more fixed64 words: a single value, or a packed run.
    func fixed64s(_ field: Field, _ what: String) throws -> [UInt64] {
        switch field.value {
        case .fixed64(let value): return [value]
        case .bytes(let payload):
            var run = try nested(payload, what)
            var values: [UInt64] = []
            values.reserveCapacity(payload.count / 8)
            while !run.isAtEnd { values.append(try run.fixed(UInt64.self, what)) }
            return values
        default: throw wrongType(field, what)
        }
    }

    /// The fields of a whole message, read to its end.
    mutating func allFields() throws -> [Field] {
        var fields: [Field] = []
        while let field = try next() { fields.append(field) }
        return fields
    }

    /// The raw bytes of a field exactly as the input holds them (tag, length and payload).
    func raw(_ field: Field) -> Data { data[field.range] }
}
