import SZNNCore
import SZNNEngine
import Testing
@testable import SZNNFederated

/// Seeded Gaussian values of a given scale, some exactly zero (as sparse updates are).
func gaussianValues(count: Int, scale: Float, seed: UInt64) -> [Float] {
    var generator = RandomGenerator(seed: seed)
    return (0..<count).map { index in index % 7 == 0 ? 0 : scale * generator.nextGaussian() }
}

@Suite("Federated codecs")
struct FederatedCodecTests {
    @Test(arguments: [0.0, 0.25, 1.0, 4.0, 50.0])
    func errorBoundedDeltaHoldsItsBound(relativeBound: Double) throws {
        let codec = try ErrorBoundedCodec(relativeBound: relativeBound)
        for (shape, scale) in [([20, 1, 5, 5], Float(1e-3)), ([50, 40], Float(3)), ([7], Float(1e-6))] {
            let values = gaussianValues(count: shape.reduce(1, *), scale: scale, seed: 11)
            let bytes = try codec.encode(values, shape: shape)
            let decoded = try codec.decode(bytes, shape: shape)
            let bound = codec.errorBound(for: values)
            #expect(decoded.count == values.count)
            let worst = zip(values, decoded).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= bound, "bound \(bound) broken by \(worst) at shape \(shape)")
            if relativeBound == 0 { #expect(decoded == values) }
        }
    }

    @Test func largerBoundsCostFewerBytes() throws {
        let values = gaussianValues(count: 4000, scale: 0.01, seed: 2)
        let sizes = try [0.5, 2, 8].map { try ErrorBoundedCodec(relativeBound: $0).encode(values, shape: [4000]).count }
        #expect(sizes[0] > sizes[1] && sizes[1] > sizes[2])
    }

    @Test func golombRiceRoundTrip() throws {
        var generator = RandomGenerator(seed: 5)
        for (count, density) in [(1, 1.0), (100, 0.0), (1000, 0.001), (1000, 0.05), (5000, 0.5), (64, 1.0)] {
            let positions = (0..<count).filter { _ in Double(generator.nextUnitFloat()) < density }
            let bytes = GolombRiceCoder.encode(positions: positions)
            var reader = MessageReader(bytes)
            #expect(try GolombRiceCoder.decode(&reader, elementCount: count) == positions)
            try reader.finish()
        }
        // The first and last positions, a huge gap: still exact.
        let edges = [0, 99_999]
        var reader = MessageReader(GolombRiceCoder.encode(positions: edges))
        #expect(try GolombRiceCoder.decode(&reader, elementCount: 100_000) == edges)
    }

    @Test func golombRiceRejectsCorruptBlocks() throws {
        let bytes = GolombRiceCoder.encode(positions: [3, 10, 500])
        var truncated = MessageReader(Array(bytes.dropLast()))
        #expect(throws: SZNNError.self) { try GolombRiceCoder.decode(&truncated, elementCount: 1000) }
        var outside = MessageReader(bytes)
        #expect(throws: SZNNError.self) { try GolombRiceCoder.decode(&outside, elementCount: 400) }
    }

    @Test func golombRiceParameterFitsTheDensity() {
        #expect(GolombRiceCoder.bestParameter(gaps: [Int](repeating: 0, count: 50)) == 0)
        #expect(GolombRiceCoder.bestParameter(gaps: [Int](repeating: 1000, count: 50)) >= 8)
    }

    @Test func topKSendsTheLargestExactly() throws {
        let values: [Float] = [0.1, -5, 0.2, 3, 0, -0.3, 4, 0.05]
        let codec = try TopKCodec(fraction: 3.0 / 8)
        let decoded = try codec.decode(try codec.encode(values, shape: [8]), shape: [8])
        #expect(decoded == [0, -5, 0, 3, 0, 0, 4, 0])
    }

    @Test func sparseBinaryKeepsTheSideWithTheLargerMean() throws {
        let codec = try SparseBinaryCodec(fraction: 2.0 / 8)
        let negativeWins: [Float] = [0.1, -5, 0.2, 3, 0, -6, 1, 0.05]
        #expect(try codec.decode(try codec.encode(negativeWins, shape: [8]), shape: [8])
            == [0, -5.5, 0, 0, 0, -5.5, 0, 0])
        let positiveWins: [Float] = [2, -1, 4, 0, -0.5, 0, 0, 0]
        #expect(try codec.decode(try codec.encode(positiveWins, shape: [8]), shape: [8])
            == [3, 0, 3, 0, 0, 0, 0, 0])
    }

    @Test func selectionMatchesSorting() {
        var generator = RandomGenerator(seed: 9)
        let keys = (0..<997).map { _ in Float(generator.nextInt(below: 50)) }
        for count in [1, 10, 500, 996] {
            let chosen = TopSelection.largest(count, of: keys)
            #expect(chosen.count == count)
            let threshold = keys.sorted(by: >)[count - 1]
            #expect(chosen.allSatisfy { keys[$0] >= threshold })
        }
    }

    @Test func float32CodecIsExact() throws {
        let values = gaussianValues(count: 33, scale: 1, seed: 4)
        let codec = Float32Codec()
        let bytes = try codec.encode(values, shape: [3, 11])
        #expect(bytes.count == 33 * 4)
        #expect(try codec.decode(bytes, shape: [3, 11]) == values)
    }
}
