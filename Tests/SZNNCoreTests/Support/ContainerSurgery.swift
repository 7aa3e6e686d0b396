import Foundation
import SZNNCore

/// Edits fields of a valid `.sznn` file in place and re-seals the CRCs that cover them, so a
/// test reaches the check it aims at (a version or backend id) instead of the checksum before it.
///
/// Offsets follow FORMAT.md §2–§4; this walks a file written by `ContainerEncoder`, so it trusts it.
struct ContainerSurgery {
    var bytes: [UInt8]

    init(_ data: Data) { bytes = [UInt8](data) }

    var data: Data { Data(bytes) }

    /// Little-endian unsigned integer of `width` bytes at `offset`.
    func integer(at offset: Int, width: Int) -> Int {
        (0..<width).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }

    /// Writes a little-endian unsigned integer of `width` bytes at `offset`.
    mutating func setInteger(_ value: Int, at offset: Int, width: Int) {
        for byte in 0..<width { bytes[offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
    }

    /// The CRC-32 of `range`.
    func checksum(_ range: Range<Int>) -> Int {
        Int(bytes[range].withUnsafeBytes { CRC32.checksum($0) })
    }

    /// Sets the version field and re-seals the file header CRC.
    mutating func setVersion(_ version: Int) {
        setInteger(version, at: 4, width: 2)
        setInteger(checksum(0..<12), at: 12, width: 4)
    }

    /// Sets the reserved flags and re-seals the file header CRC.
    mutating func setFlags(_ flags: Int) {
        setInteger(flags, at: 6, width: 2)
        setInteger(checksum(0..<12), at: 12, width: 4)
    }

    /// The offset of the graph block (version 2), right after the metadata block.
    var graphStart: Int { 16 + 4 + integer(at: 16, width: 4) + 4 }

    /// The offset of the base block (version 3): after the metadata block and the graph block if any.
    var baseStart: Int {
        guard integer(at: 6, width: 2) & 1 != 0 else { return graphStart }
        let formatLength = Int(bytes[graphStart])
        return graphStart + 1 + formatLength + 8 + integer(at: graphStart + 1 + formatLength, width: 8) + 4
    }

    /// The offset of the first record: after the metadata block and the graph and base blocks the flags announce.
    var recordsStart: Int { baseStart + (integer(at: 6, width: 2) & 2 != 0 ? 41 : 0) }

    /// Where each record starts and how long its header fields are.
    var records: [(start: Int, headerLength: Int)] {
        var offset = recordsStart
        var found: [(Int, Int)] = []
        for _ in 0..<integer(at: 8, width: 4) {
            let headerLength = integer(at: offset, width: 4)
            let fields = offset + 4
            let payloadLength = integer(at: fields + headerLength - 12, width: 8)
            found.append((offset, headerLength))
            offset = fields + headerLength + 4 + payloadLength
        }
        return found
    }

    /// The offset of record `index`'s storage byte (backend and predictor follow it).
    func storageOffset(record index: Int) -> Int {
        let fields = records[index].start + 4
        let nameLength = integer(at: fields, width: 2)
        let rank = Int(bytes[fields + 2 + nameLength + 1])
        return fields + 2 + nameLength + 2 + 8 * rank
    }

    /// The byte range of record `index`'s payload.
    func payloadRange(record index: Int) -> Range<Int> {
        let (start, headerLength) = records[index]
        let payloadStart = start + 4 + headerLength + 4
        return payloadStart..<(payloadStart + integer(at: start + 4 + headerLength - 12, width: 8))
    }

    /// Sets one header byte of record `index` (at `offset` from its storage byte) and re-seals its header CRC.
    mutating func setRecordByte(record index: Int, afterStorage delta: Int, to value: UInt8) {
        bytes[storageOffset(record: index) + delta] = value
        let (start, headerLength) = records[index]
        setInteger(checksum((start + 4)..<(start + 4 + headerLength)), at: start + 4 + headerLength, width: 4)
    }
}
