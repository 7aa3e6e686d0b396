import Foundation
import SZNNCore

/// A pruned tensor stored exactly: survivor positions as gaps, survivor values as float32.
///
/// Payload: survivor count (UInt32), then two zstd blocks — the gaps (zeros skipped before
/// each survivor, LEB128 varints, so runs of a few zeros cost one byte) and the survivors'
/// float32 bit patterns.
enum SparseCodec {
    /// Codes `values`, dropping every element whose magnitude is below `threshold`.
    static func encode(_ values: [Float], threshold: Float) throws -> [UInt8] {
        var gaps: [UInt8] = []
        var survivors: [Float] = []
        var previous = -1
        for (position, value) in values.enumerated() where abs(value) >= threshold {
            var gap = UInt32(position - previous - 1)
            while gap >= 0x80 {
                gaps.append(UInt8(gap & 0x7F) | 0x80)
                gap >>= 7
            }
            gaps.append(UInt8(gap))
            survivors.append(value)
            previous = position
        }
        var writer = ByteWriter()
        writer.append(UInt32(survivors.count))
        try ZstdBlock.append(gaps, to: &writer)
        var valueBytes = ByteWriter()
        valueBytes.appendFloat32(survivors)
        try ZstdBlock.append(valueBytes.bytes, to: &writer)
        return writer.bytes
    }

    /// Decodes `count` values from a payload written by `encode` (pruned elements are 0).
    static func decode(_ payload: [UInt8], count: Int, name: String) throws -> [Float] {
        var reader = ByteReader(payload, context: name)
        let survivorCount = Int(try reader.integer(UInt32.self))
        let gaps = try ZstdBlock.read(from: &reader)
        var valueReader = ByteReader(try ZstdBlock.read(from: &reader), context: name)
        let survivors = try valueReader.float32(count: survivorCount)
        var values = [Float](repeating: 0, count: count)
        var position = -1
        var cursor = 0
        for survivor in survivors {
            var gap = 0
            var shift = 0
            while true {
                guard cursor < gaps.count, shift < 35 else { throw SZNNError(.corruptPayload, "\(name): sparse gaps end early") }
                let byte = gaps[cursor]
                cursor += 1
                gap |= Int(byte & 0x7F) << shift
                shift += 7
                if byte < 0x80 { break }
            }
            position += gap + 1
            guard position < count else { throw SZNNError(.corruptPayload, "\(name): sparse position \(position) is past \(count) elements") }
            values[position] = survivor
        }
        return values
    }
}
