import Foundation
import SZNNCore

/// k-means weight sharing per layer: float32 codebook + Huffman-coded indices, k chosen per layer greedily.
///
/// First the same k for every layer, scanned upward over `clusterGrid`: the first k that
/// meets the target is the smallest uniform model (size grows with k). Then, largest layer
/// first, each layer's k steps down the grid while the target still holds. Payload per
/// tensor: the codebook (UInt16 k, float32 centroids) then the `HuffmanCoder` payload of the indices.
public final class WeightSharingMethod: CompressionMethod {
    public let name = MethodName.kmeans
    let clusterGrid: [Int]
    /// Measured configurations, keyed by each weight tensor's position in `clusterGrid`.
    private var measured: [[Int]: Candidate] = [:]

    public init(clusterGrid: [Int] = [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]) {
        self.clusterGrid = clusterGrid.sorted()
    }

    public func search(target: Double, subject: ComparisonSubject) throws -> Candidate {
        let layers = subject.weightTensors
        let feasible = { (candidate: Candidate) in (subject.baselineValidation - candidate.validationAccuracy) * 100 <= target + 1e-9 }
        var best: Candidate?
        var choice: [Int] = []
        for position in clusterGrid.indices {
            let uniform = [Int](repeating: position, count: layers.count)
            let candidate = try measure(uniform, subject: subject)
            best = candidate
            choice = uniform
            if feasible(candidate) { break }
        }
        guard var chosen = best else { throw SZNNError(.invalidArgument, "k-means needs at least one cluster count") }
        guard feasible(chosen) else { return chosen }
        for layer in layers.indices.sorted(by: { layers[$0].values.count > layers[$1].values.count }) {
            while choice[layer] > 0 {
                var smaller = choice
                smaller[layer] -= 1
                let candidate = try measure(smaller, subject: subject)
                guard feasible(candidate) else { break }
                (chosen, choice) = (candidate, smaller)
            }
        }
        return chosen
    }

    /// The candidate with weight tensor i shared over `clusterGrid[positions[i]]` values.
    func measure(_ positions: [Int], subject: ComparisonSubject) throws -> Candidate {
        if let known = measured[positions] { return known }
        let clusters = Dictionary(uniqueKeysWithValues: zip(subject.weightTensors.map(\.name), positions.map { clusterGrid[$0] }))
        let described = subject.weightTensors.map { "\($0.name) k=\(clusters[$0.name] ?? 0)" }.joined(separator: ", ")
        subject.progress("kmeans: \(described)")
        let (bytes, weights) = try ArchiveRoundTrip.run(subject, encodeWeight: { tensor in
            try WeightSharingMethod.encode(tensor.values, clusters: clusters[tensor.name] ?? clusterGrid[clusterGrid.count - 1])
        }, decodeWeight: { payload, shape, name in
            try WeightSharingMethod.decode(payload, count: shape.reduce(1, *), name: name)
        })
        let candidate = Candidate(bytes: bytes, weights: weights, validationAccuracy: try subject.validationAccuracy(of: weights),
                                  setting: described)
        measured[positions] = candidate
        return candidate
    }

    static func encode(_ values: [Float], clusters: Int) throws -> [UInt8] {
        let means = KMeans1D(values: values, clusters: clusters)
        var writer = ByteWriter()
        writer.append(UInt16(means.centroids.count))
        writer.appendFloat32(means.centroids)
        writer.append(contentsOf: try HuffmanCoder.encode(means.assign(values), alphabetSize: means.centroids.count))
        return writer.bytes
    }

    static func decode(_ payload: [UInt8], count: Int, name: String) throws -> [Float] {
        var reader = ByteReader(payload, context: name)
        let clusters = Int(try reader.integer(UInt16.self))
        let codebook = try reader.float32(count: clusters)
        let indices = try HuffmanCoder.decode(Array(try reader.take(payload.count - reader.offset)), count: count)
        guard indices.allSatisfy({ $0 < clusters }) else { throw SZNNError(.corruptPayload, "\(name): index past the codebook") }
        return indices.map { codebook[$0] }
    }
}
