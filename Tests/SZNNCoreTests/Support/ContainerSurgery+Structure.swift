import Foundation
import SZNNCore

/// The structure of a valid `.sznn` file as fields and seals, so a test can change any field
/// and re-seal every CRC, reaching the reader's structural checks instead of its checksums.
extension ContainerSurgery {
    /// One integer field of the file: where it is, how wide, and what FORMAT.md calls it.
    struct Field: CustomStringConvertible {
        let name: String
        let offset: Int
        let width: Int
        var description: String { "\(name)@\(offset)" }
    }

    /// One CRC of the file: the byte ranges it covers and where it is stored.
    struct Seal {
        let covered: [Range<Int>]
        let offset: Int
    }

    /// Every header field of the file (§2, §3, §3a, §3b, §4), walked from the valid layout.
    var structuralFields: [Field] {
        var fields = [Field(name: "version", offset: 4, width: 2), Field(name: "flags", offset: 6, width: 2),
                      Field(name: "tensor_count", offset: 8, width: 4), Field(name: "json_length", offset: 16, width: 4)]
        if integer(at: 6, width: 2) & 2 != 0 {
            fields += [Field(name: "digest_algorithm", offset: baseStart, width: 1), Field(name: "digest", offset: baseStart + 1, width: 8),
                       Field(name: "base_tensor_count", offset: baseStart + 33, width: 4)]
        }
        if integer(at: 6, width: 2) & 1 != 0 {
            let formatLength = Int(bytes[graphStart])
            fields += [Field(name: "format_length", offset: graphStart, width: 1),
                       Field(name: "graph_length", offset: graphStart + 1 + formatLength, width: 8)]
        }
        for (index, (start, headerLength)) in records.enumerated() {
            let fieldsStart = start + 4
            let nameLength = integer(at: fieldsStart, width: 2)
            let rank = Int(bytes[fieldsStart + 2 + nameLength + 1])
            let storage = storageOffset(record: index)
            fields += [Field(name: "r\(index).header_length", offset: start, width: 4),
                       Field(name: "r\(index).name_length", offset: fieldsStart, width: 2),
                       Field(name: "r\(index).dtype", offset: fieldsStart + 2 + nameLength, width: 1),
                       Field(name: "r\(index).rank", offset: fieldsStart + 2 + nameLength + 1, width: 1)]
            fields += (0..<rank).map { Field(name: "r\(index).dim\($0)", offset: fieldsStart + 2 + nameLength + 2 + 8 * $0, width: 8) }
            fields += [Field(name: "r\(index).storage", offset: storage, width: 1),
                       Field(name: "r\(index).backend", offset: storage + 1, width: 1),
                       Field(name: "r\(index).predictor", offset: storage + 2, width: 1)]
            let end = fieldsStart + headerLength
            fields.append(Field(name: "r\(index).payload_length", offset: end - 12, width: 8))
            // The bound fields sit between the predictor and the chunk size (lossless records have fewer).
            if bytes[storage] == 1 || bytes[storage] == 2 {
                let boundCount = integer(at: storage + 3 + 4 + 1, width: 4)
                fields += [Field(name: "r\(index).radius", offset: storage + 3, width: 4),
                           Field(name: "r\(index).bound_axis", offset: storage + 7, width: 1),
                           Field(name: "r\(index).bound_count", offset: storage + 8, width: 4),
                           Field(name: "r\(index).bound", offset: storage + 12, width: 8),
                           Field(name: "r\(index).chunk_elements", offset: storage + 20 + (bytes[storage + 7] == 0xFF ? 0 : boundCount), width: 4)]
            }
            // The payload's own tables (chunk offsets, escape counts: §5) start at its first bytes.
            let payload = payloadRange(record: index)
            for offset in stride(from: payload.lowerBound, to: min(payload.upperBound, payload.lowerBound + 32), by: 4)
                where offset + 4 <= payload.upperBound {
                fields.append(Field(name: "r\(index).payload+\(offset - payload.lowerBound)", offset: offset, width: 4))
            }
        }
        return fields
    }

    /// Every CRC of the file with what it covers, from the valid layout.
    var seals: [Seal] {
        let jsonLength = integer(at: 16, width: 4)
        var seals = [Seal(covered: [0..<12], offset: 12), Seal(covered: [20..<(20 + jsonLength)], offset: 20 + jsonLength)]
        if integer(at: 6, width: 2) & 2 != 0 {
            seals.append(Seal(covered: [baseStart..<(baseStart + 37)], offset: baseStart + 37))
        }
        if integer(at: 6, width: 2) & 1 != 0 {
            let formatLength = Int(bytes[graphStart])
            let graphBytes = graphStart + 1 + formatLength + 8
            let graphLength = integer(at: graphBytes - 8, width: 8)
            seals.append(Seal(covered: [(graphStart + 1)..<(graphStart + 1 + formatLength), graphBytes..<(graphBytes + graphLength)],
                              offset: graphBytes + graphLength))
        }
        for (index, (start, headerLength)) in records.enumerated() {
            // The payload CRC is a header field, so it is sealed before the header CRC that covers it.
            seals.append(Seal(covered: [payloadRange(record: index)], offset: start + 4 + headerLength - 4))
            seals.append(Seal(covered: [(start + 4)..<(start + 4 + headerLength)], offset: start + 4 + headerLength))
        }
        return seals
    }

    /// Recomputes every seal over the current bytes.
    mutating func reseal(_ seals: [Seal]) {
        for seal in seals {
            let crc = seal.covered.reduce(UInt32(0)) { running, range in bytes[range].withUnsafeBytes { CRC32.update(running, $0) } }
            setInteger(Int(crc), at: seal.offset, width: 4)
        }
    }
}
