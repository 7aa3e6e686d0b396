import Foundation
import SZNNCore

/// Encodes a whole model into a `BaselineArchive` and decodes the archive's bytes back.
///
/// Weight tensors go through the method's own coder; biases and buffers are stored as raw
/// float32 (counted in the size, like everything else). The returned weights come from
/// parsing the encoded bytes, so what a method is evaluated on is what it stored.
enum ArchiveRoundTrip {
    /// The archive size in bytes and the decoded tensors by name.
    static func run(_ subject: ComparisonSubject, encodeWeight: (ComparisonSubject.Weights) throws -> [UInt8],
                    decodeWeight: (_ payload: [UInt8], _ shape: [Int], _ name: String) throws -> [Float]) throws -> (bytes: Int, weights: [String: [Float]]) {
        var archive = BaselineArchive()
        for tensor in subject.tensors {
            var writer = ByteWriter()
            if tensor.isWeight {
                writer.append(contentsOf: try encodeWeight(tensor))
            } else {
                writer.appendFloat32(tensor.values)
            }
            archive.entries.append(.init(name: tensor.name, shape: tensor.shape, payload: writer.bytes))
        }
        let bytes = archive.encoded()
        let isWeight = Dictionary(uniqueKeysWithValues: subject.tensors.map { ($0.name, $0.isWeight) })
        var weights: [String: [Float]] = [:]
        for entry in try BaselineArchive.decode(bytes).entries {
            let count = entry.shape.reduce(1, *)
            let values: [Float]
            if isWeight[entry.name] == true {
                values = try decodeWeight(entry.payload, entry.shape, entry.name)
            } else {
                var reader = ByteReader(entry.payload, context: entry.name)
                values = try reader.float32(count: count)
            }
            guard values.count == count else {
                throw SZNNError(.corruptPayload, "tensor '\(entry.name)' decoded to \(values.count) values, its shape needs \(count)")
            }
            weights[entry.name] = values
        }
        return (bytes.count, weights)
    }
}
