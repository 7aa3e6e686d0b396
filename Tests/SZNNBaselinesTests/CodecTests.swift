import Foundation
import SZNNCore
import SZNNTestSupport
import SZNNZstd
import Testing
@testable import SZNNBaselines

@Suite("Baseline codecs")
struct CodecTests {
    @Test("pruning: survivors come back exactly, pruned weights as zero, across gaps longer than one varint byte")
    func sparseRoundTrip() throws {
        var generator = SeededGenerator(seed: 3)
        var values = (0..<3_000).map { _ in Float.random(in: -1...1, using: &generator) }
        for index in 500..<900 { values[index] = 0.01 }  // a 400-long run of pruned weights
        let payload = try SparseCodec.encode(values, threshold: 0.5)
        let decoded = try SparseCodec.decode(payload, count: values.count, name: "w")
        #expect(decoded == values.map { abs($0) >= 0.5 ? $0 : 0 })
        #expect(throws: SZNNError.self) { try SparseCodec.decode(Array(payload.dropLast(3)), count: values.count, name: "w") }
    }

    @Test("k-means finds three well-separated clusters of a tiny tensor, and the codec decodes to its codebook")
    func kMeans() throws {
        let centres: [Float] = [-1, 0, 2]
        var generator = SeededGenerator(seed: 5)
        let values = (0..<300).map { centres[$0 % 3] + Float.random(in: -0.05...0.05, using: &generator) }
        let means = KMeans1D(values: values, clusters: 3)
        for (found, centre) in zip(means.centroids, centres) { #expect(abs(found - centre) < 0.02) }
        #expect(means.assign(values) == (0..<300).map { $0 % 3 })
        let decoded = try WeightSharingMethod.decode(try WeightSharingMethod.encode(values, clusters: 3), count: values.count, name: "w")
        #expect(decoded == means.assign(values).map { means.centroids[$0] })
    }

    @Test("int-k per channel: codes within ±(2^(k-1)-1), error at most half a row's step")
    func channelQuantizer() throws {
        var generator = SeededGenerator(seed: 9)
        let shape = [6, 40]
        let values = (0..<240).map { index in Float.random(in: -1...1, using: &generator) * Float(index / 40 + 1) }
        let quantizer = ChannelQuantizer(bits: 4, backend: try ZstdBackend())
        let decoded = try quantizer.decode(try quantizer.encode(values, shape: shape), shape: shape, name: "w")
        for row in 0..<6 {
            let range = (row * 40)..<((row + 1) * 40)
            let step = values[range].map(abs).max()! / 7
            for index in range { #expect(abs(decoded[index] - values[index]) <= step / 2 * 1.0001) }
        }
    }

    @Test("the archive round-trips names, shapes and payloads and rejects trailing bytes")
    func archive() throws {
        var archive = BaselineArchive()
        archive.entries = [.init(name: "fc1.weight", shape: [3, 4], payload: [1, 2, 3]), .init(name: "b", shape: [4], payload: [])]
        let bytes = archive.encoded()
        let decoded = try BaselineArchive.decode(bytes)
        #expect(decoded.entries.map(\.name) == ["fc1.weight", "b"])
        #expect(decoded.entries.map(\.shape) == [[3, 4], [4]])
        #expect(decoded.entries.map(\.payload) == [[1, 2, 3], []])
        #expect(throws: SZNNError.self) { try BaselineArchive.decode(bytes + [0]) }
    }
}
