import Foundation

/// Appends protobuf wire-format fields to a buffer: what the ONNX writer (and the tests that
/// build ONNX models by hand) need of the format.
public struct ProtobufWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes = Data()

    public init() {}

    /// A base-128 varint (negative `Int64`s take ten bytes, as protobuf writes them).
    public mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// The key of field `number` with wire type `wireType` (0 varint, 1 fixed64, 2 bytes, 5 fixed32).
    public mutating func appendKey(_ number: Int, wireType: UInt8) {
        appendVarint(UInt64(number) << 3 | UInt64(wireType))
    }

    /// A varint field holding a signed integer.
    public mutating func appendInt(_ number: Int, _ value: Int64) {
        appendKey(number, wireType: 0)
        appendVarint(UInt64(bitPattern: value))
    }

    /// A length-delimited field holding `payload`.
    public mutating func appendBytes(_ number: Int, _ payload: Data) {
        appendKey(number, wireType: 2)
        appendVarint(UInt64(payload.count))
        bytes.append(payload)
    }

    /// A length-delimited field holding UTF-8 text.
    public mutating func appendString(_ number: Int, _ text: String) {
        appendBytes(number, Data(text.utf8))
    }

    /// A length-delimited field holding a nested message.
    public mutating func appendMessage(_ number: Int, _ message: ProtobufWriter) {
        appendBytes(number, message.bytes)
    }

    /// A fixed32 field holding a float.
    public mutating func appendFloat(_ number: Int, _ value: Float) {
        appendKey(number, wireType: 5)
        appendLittleEndian(value.bitPattern)
    }

    /// A fixed64 field holding a double.
    public mutating func appendDouble(_ number: Int, _ value: Double) {
        appendKey(number, wireType: 1)
        appendLittleEndian(value.bitPattern)
    }

    /// A packed repeated varint field.
    public mutating func appendPackedInts(_ number: Int, _ values: [Int64]) {
        var run = ProtobufWriter()
        for value in values { run.appendVarint(UInt64(bitPattern: value)) }
        appendMessage(number, run)
    }

    /// A packed repeated float field.
    public mutating func appendPackedFloats(_ number: Int, _ values: [Float]) {
        var run = ProtobufWriter()
        for value in values { run.appendLittleEndian(value.bitPattern) }
        appendMessage(number, run)
    }

    /// Bytes copied as they are (a field already encoded).
    public mutating func appendRaw(_ raw: Data) {
        bytes.append(raw)
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
