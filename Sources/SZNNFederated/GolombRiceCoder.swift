import SZNNCore

/// Golomb–Rice coding of the sorted positions of a sparse update (as sparse binary compression does).
///
/// The gaps between successive kept positions of a top-k selection are close to geometric, for
/// which a Golomb code with parameter 2^m is near optimal. Message: u32 count, u8 m, then per
/// position the gap g = p − previous − 1 (previous = −1 first) as ⌊g / 2^m⌋ one-bits, a zero-bit
/// and the low m bits of g, most significant first; the last byte is padded with zeros.
public enum GolombRiceCoder {
    /// The largest Rice parameter tried (gaps of a 2^32-element tensor fit in 32 bits).
    static let maximumParameter = 31

    /// The positions (strictly increasing, ≥ 0) coded with the Rice parameter that makes them shortest.
    public static func encode(positions: [Int]) -> [UInt8] {
        let gaps = positions.indices.map { positions[$0] - ($0 == 0 ? -1 : positions[$0 - 1]) - 1 }
        let parameter = bestParameter(gaps: gaps)
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt32(positions.count))
        bytes.append(UInt8(parameter))
        var writer = BitWriter()
        for gap in gaps {
            writer.writeUnary(gap >> parameter)
            writer.write(UInt64(gap & ((1 << parameter) - 1)), bitCount: parameter)
        }
        return bytes + writer.finish()
    }

    /// The positions coded at the start of `reader`'s bytes; each must be below `elementCount`.
    /// Advances past the positions block and returns them.
    static func decode(_ reader: inout MessageReader, elementCount: Int) throws -> [Int] {
        let count = Int(try reader.uint32())
        let parameter = Int(try reader.uint8())
        guard parameter <= maximumParameter, count <= elementCount else {
            throw SZNNError(.corruptPayload, "position block of \(count) positions with Rice parameter \(parameter) does not fit \(elementCount) elements")
        }
        var bits = BitReader(reader.rest)
        var positions: [Int] = []
        positions.reserveCapacity(count)
        var previous = -1
        for _ in 0..<count {
            let quotient = try bits.readUnary(limit: elementCount >> parameter)
            let gap = quotient << parameter | Int(try bits.read(bitCount: parameter))
            previous += gap + 1
            guard previous < elementCount else {
                throw SZNNError(.corruptPayload, "coded position \(previous) is outside a layer of \(elementCount) elements")
            }
            positions.append(previous)
        }
        try reader.skip(bits.bytesConsumed)
        return positions
    }

    /// The parameter m minimising Σ (g >> m + 1 + m) bits over the gaps.
    static func bestParameter(gaps: [Int]) -> Int {
        guard let largest = gaps.max(), largest > 0 else { return 0 }
        let highest = min(maximumParameter, Int.bitWidth - largest.leadingZeroBitCount)
        return (0...highest).min { first, second in
            gaps.reduce(0) { $0 + ($1 >> first) + first } < gaps.reduce(0) { $0 + ($1 >> second) + second }
        } ?? 0
    }
}

/// Writes bits most significant first into bytes.
struct BitWriter {
    private var bytes: [UInt8] = []
    private var current: UInt8 = 0
    private var filled = 0

    mutating func write(bit: Bool) {
        current = current << 1 | (bit ? 1 : 0)
        filled += 1
        if filled == 8 {
            bytes.append(current)
            current = 0
            filled = 0
        }
    }

    /// The low `bitCount` bits of `value`, most significant first.
    mutating func write(_ value: UInt64, bitCount: Int) {
        for shift in stride(from: bitCount - 1, through: 0, by: -1) { write(bit: value >> UInt64(shift) & 1 == 1) }
    }

    /// `count` one-bits and a zero-bit.
    mutating func writeUnary(_ count: Int) {
        for _ in 0..<count { write(bit: true) }
        write(bit: false)
    }

    /// The bytes, the last one padded with zero-bits.
    mutating func finish() -> [UInt8] {
        if filled > 0 { bytes.append(current << UInt8(8 - filled)) }
        current = 0
        filled = 0
        return bytes
    }
}

/// Reads bits most significant first; fails with `corruptPayload` past the end.
struct BitReader {
    private let bytes: ArraySlice<UInt8>
    private var bitOffset = 0

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// Whole bytes touched so far (the padded last byte included).
    var bytesConsumed: Int { (bitOffset + 7) / 8 }

    mutating func readBit() throws -> Bool {
        guard bitOffset < bytes.count * 8 else { throw SZNNError(.corruptPayload, "position bits end early") }
        let byte = bytes[bytes.startIndex + bitOffset / 8]
        defer { bitOffset += 1 }
        return byte >> UInt8(7 - bitOffset % 8) & 1 == 1
    }

    mutating func read(bitCount: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<bitCount { value = value << 1 | (try readBit() ? 1 : 0) }
        return value
    }

    /// The number of one-bits before the next zero-bit, at most `limit` (more is corrupt).
    mutating func readUnary(limit: Int) throws -> Int {
        var count = 0
        while try readBit() {
            count += 1
            guard count <= limit else { throw SZNNError(.corruptPayload, "a position gap runs past the layer") }
        }
        return count
    }
}
