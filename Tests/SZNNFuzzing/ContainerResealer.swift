import Foundation
import SZNNCore

/// Recomputes every CRC of a (mutated) `.sznn` file that the file's own length fields locate,
/// so the fuzzer reaches the structural checks behind the checksums (FORMAT.md §2–§4).
///
/// The walk trusts nothing: it stops at the first length that leaves the file and keeps the
/// seals it made before it. A valid file comes back unchanged.
public enum ContainerResealer {
    /// `data` with its header, metadata, graph, base, record-header and payload CRCs recomputed.
    public static func resealed(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        guard bytes.count >= 20 else { return data }
        seal(&bytes, [0..<12], at: 12)
        let flags = integer(bytes, at: 6, width: 2) ?? 0
        guard let jsonLength = integer(bytes, at: 16, width: 4), let jsonEnd = end(20, jsonLength, bytes) else { return Data(bytes) }
        seal(&bytes, [20..<jsonEnd], at: jsonEnd)
        var offset = jsonEnd + 4
        if flags & 1 != 0 {
            guard offset < bytes.count, let lengthOffset = end(offset + 1, Int(bytes[offset]), bytes),
                  let graphLength = integer(bytes, at: lengthOffset, width: 8),
                  let graphEnd = end(lengthOffset + 8, graphLength, bytes) else { return Data(bytes) }
            seal(&bytes, [(offset + 1)..<lengthOffset, (lengthOffset + 8)..<graphEnd], at: graphEnd)
            offset = graphEnd + 4
        }
        if flags & 2 != 0 {
            // Digest algorithm (1), digest (32), base tensor count (4), then its CRC.
            guard let baseEnd = end(offset, 37, bytes) else { return Data(bytes) }
            seal(&bytes, [offset..<baseEnd], at: baseEnd)
            offset = baseEnd + 4
        }
        for _ in 0..<(integer(bytes, at: 8, width: 4) ?? 0) {
            guard let headerLength = integer(bytes, at: offset, width: 4), headerLength >= 12,
                  let fieldsEnd = end(offset + 4, headerLength, bytes),
                  let payloadLength = integer(bytes, at: fieldsEnd - 12, width: 8),
                  let payloadEnd = end(fieldsEnd + 4, payloadLength, bytes, followedBy: 0) else { break }
            // The payload CRC is a header field, so it is sealed before the header CRC that covers it.
            seal(&bytes, [(fieldsEnd + 4)..<payloadEnd], at: fieldsEnd - 4)
            seal(&bytes, [(offset + 4)..<fieldsEnd], at: fieldsEnd)
            offset = payloadEnd
        }
        return Data(bytes)
    }

    /// The little-endian integer of `width` bytes at `offset`, or nil past the end or above 2^62.
    static func integer(_ bytes: [UInt8], at offset: Int, width: Int) -> Int? {
        guard offset >= 0, offset <= bytes.count - width else { return nil }
        let value = (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        return value < 1 << 62 ? Int(value) : nil
    }

    /// `start + length` when that range and the `followedBy` bytes after it (a CRC) lie inside the file.
    static func end(_ start: Int, _ length: Int, _ bytes: [UInt8], followedBy trailing: Int = 4) -> Int? {
        let (sum, overflow) = start.addingReportingOverflow(length)
        return !overflow && start >= 0 && sum <= bytes.count - trailing ? sum : nil
    }

    /// Writes the CRC-32 of `ranges` (in order) at `offset`.
    static func seal(_ bytes: inout [UInt8], _ ranges: [Range<Int>], at offset: Int) {
        guard offset >= 0, offset <= bytes.count - 4 else { return }
        let crc = ranges.reduce(UInt32(0)) { running, range in bytes[range].withUnsafeBytes { CRC32.update(running, $0) } }
        for byte in 0..<4 { bytes[offset + byte] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(byte))) }
    }
}
