import Foundation
import SZNNCore

/// Truncated SVD of every dense layer, factors stored as float16; convolutions kept as float32.
///
/// The knob is one fraction for all dense layers: the share of each layer's spectral energy
/// (Σσ², the squared Frobenius norm) that may be dropped, bisected on a log scale in
/// [10⁻⁴, 0.5]. Each layer keeps the smallest rank whose dropped tail is within it. (A plain
/// rank fraction was measured first: the 10-row output layer then forces ~70 % of every rank
/// to be kept, which costs more than the dense matrix.) A layer whose factors would not be
/// smaller than the dense matrix in float16 is stored dense in float16 instead.
/// Payload of a dense layer: kind 1, the kept rank (UInt32), then a zstd block of
/// L = U_k·diag(σ_k) (rows × k) followed by V_k (columns × k), float16, row-major; or kind 2
/// and a zstd block of the float16 matrix. A convolution's payload is kind 0 and its float32 values.
public final class LowRankMethod: CompressionMethod {
    public let name = MethodName.svd
    private let search = KnobSearch(low: 1e-4, high: 0.5, steps: 9, logarithmic: true)
    private var decompositions: [String: JacobiSVD] = [:]

    public init() {}

    public func search(target: Double, subject: ComparisonSubject) throws -> Candidate {
        for tensor in subject.weightTensors where tensor.shape.count == 2 && decompositions[tensor.name] == nil {
            subject.progress("svd: decomposing \(tensor.name) \(tensor.shape)")
            decompositions[tensor.name] = JacobiSVD(values: tensor.values, rows: tensor.shape[0], columns: tensor.shape[1])
        }
        return try search.largestFeasible(target: target, baseline: subject.baselineValidation) { dropped in
            try measure(droppedEnergy: dropped, subject: subject)
        }
    }

    func measure(droppedEnergy: Double, subject: ComparisonSubject) throws -> Candidate {
        subject.progress(String(format: "svd: dropping %.3g of each layer's energy", droppedEnergy))
        var ranks: [String] = []
        let (bytes, weights) = try ArchiveRoundTrip.run(subject, encodeWeight: { tensor in
            var writer = ByteWriter()
            guard let decomposition = decompositions[tensor.name] else {
                writer.append(UInt8(0))
                writer.appendFloat32(tensor.values)
                return writer.bytes
            }
            let kept = LowRankMethod.rank(of: decomposition, droppedEnergy: droppedEnergy)
            if kept * (decomposition.rows + decomposition.columns) < decomposition.rows * decomposition.columns {
                writer.append(UInt8(1))
                writer.append(UInt32(kept))
                try ZstdBlock.append(LowRankMethod.factorBytes(decomposition, kept: kept), to: &writer)
                ranks.append("\(tensor.name) rank \(kept)/\(decomposition.rank)")
            } else {
                writer.append(UInt8(2))
                var dense = ByteWriter()
                for value in tensor.values { dense.append(Float16(value).bitPattern) }
                try ZstdBlock.append(dense.bytes, to: &writer)
                ranks.append("\(tensor.name) dense float16")
            }
            return writer.bytes
        }, decodeWeight: { payload, shape, name in
            try LowRankMethod.decode(payload, shape: shape, name: name)
        })
        return Candidate(bytes: bytes, weights: weights, validationAccuracy: try subject.validationAccuracy(of: weights),
                         setting: String(format: "energy dropped %.3g: ", droppedEnergy) + ranks.joined(separator: ", "))
    }

    /// The smallest rank (at least 1) whose dropped tail Σ_{i≥k} σᵢ² is within `droppedEnergy` of the total.
    static func rank(of decomposition: JacobiSVD, droppedEnergy: Double) -> Int {
        let energies = decomposition.singularValues.map { $0 * $0 }
        let allowed = droppedEnergy * energies.reduce(0, +)
        var tail = 0.0
        var kept = energies.count
        while kept > 1, tail + energies[kept - 1] <= allowed {
            tail += energies[kept - 1]
            kept -= 1
        }
        return kept
    }

    /// L = U_k·diag(σ_k) then V_k, as float16 bit patterns (little-endian).
    static func factorBytes(_ decomposition: JacobiSVD, kept: Int) -> [UInt8] {
        var writer = ByteWriter()
        let rank = decomposition.rank
        for row in 0..<decomposition.rows {
            for index in 0..<kept {
                writer.append(Float16(decomposition.left[row * rank + index] * decomposition.singularValues[index]).bitPattern)
            }
        }
        for column in 0..<decomposition.columns {
            for index in 0..<kept { writer.append(Float16(decomposition.right[column * rank + index]).bitPattern) }
        }
        return writer.bytes
    }

    static func decode(_ payload: [UInt8], shape: [Int], name: String) throws -> [Float] {
        var reader = ByteReader(payload, context: name)
        let count = shape.reduce(1, *)
        let kind = try reader.integer(UInt8.self)
        if kind == 0 { return try reader.float32(count: count) }
        let read = { (reader: inout ByteReader, count: Int) throws -> [Float] in
            try (0..<count).map { _ in Float(Float16(bitPattern: try reader.integer(UInt16.self))) }
        }
        if kind == 2 {
            var dense = ByteReader(try ZstdBlock.read(from: &reader), context: name)
            return try read(&dense, count)
        }
        guard kind == 1, shape.count == 2 else { throw SZNNError(.corruptPayload, "\(name): low-rank payload of kind \(kind) for shape \(shape)") }
        let (rows, columns) = (shape[0], shape[1])
        let kept = Int(try reader.integer(UInt32.self))
        var factors = ByteReader(try ZstdBlock.read(from: &reader), context: name)
        let left = try read(&factors, rows * kept)
        let right = try read(&factors, columns * kept)
        var values = [Float](repeating: 0, count: count)
        for row in 0..<rows {
            for column in 0..<columns {
                var sum: Float = 0
                for index in 0..<kept { sum += left[row * kept + index] * right[column * kept + index] }
                values[row * columns + column] = sum
            }
        }
        return values
    }
}
