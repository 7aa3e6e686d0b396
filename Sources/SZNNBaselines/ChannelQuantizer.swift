import Foundation
import SZNNCore

/// Uniform symmetric quantization per output channel: one float32 scale per row of axis 0.
///
/// Row r's scale is max|w| over the row divided by 2^(bits-1) − 1, so codes lie in
/// [−(2^(bits-1) − 1), 2^(bits-1) − 1] and 0 is exact. Payload: the row count (UInt32), the
/// scales (float32), then the entropy backend's payload of the codes.
struct ChannelQuantizer {
    let bits: Int
    let backend: any EntropyBackend

    /// The largest code magnitude.
    var levels: Int { (1 << (bits - 1)) - 1 }

    func encode(_ values: [Float], shape: [Int]) throws -> [UInt8] {
        let rows = max(shape.first ?? 1, 1)
        let rowLength = values.count / rows
        var scales = [Float](repeating: 0, count: rows)
        var codes = [Int32](repeating: 0, count: values.count)
        let limit = Float(levels)
        for row in 0..<rows {
            let range = (row * rowLength)..<((row + 1) * rowLength)
            let maximum = values[range].reduce(Float(0)) { max($0, abs($1)) }
            let scale = maximum > 0 ? maximum / limit : 1
            scales[row] = scale
            for index in range { codes[index] = Int32(max(-limit, min(limit, (values[index] / scale).rounded()))) }
        }
        var writer = ByteWriter()
        writer.append(UInt32(rows))
        writer.appendFloat32(scales)
        writer.appendBlock(try backend.encode(indices: codes, shape: shape))
        return writer.bytes
    }

    func decode(_ payload: [UInt8], shape: [Int], name: String) throws -> [Float] {
        var reader = ByteReader(payload, context: name)
        let rows = Int(try reader.integer(UInt32.self))
        let count = shape.reduce(1, *)
        guard rows == max(shape.first ?? 1, 1) else { throw SZNNError(.corruptPayload, "\(name): \(rows) scales for shape \(shape)") }
        let scales = try reader.float32(count: rows)
        let coded = try reader.block()
        let codes = try coded.withUnsafeBytes { try backend.decode($0, count: count, shape: shape) }
        let rowLength = count / rows
        return codes.enumerated().map { index, code in Float(code) * scales[index / rowLength] }
    }
}
