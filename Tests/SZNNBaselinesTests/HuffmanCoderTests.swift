import Foundation
import SZNNTestSupport
import Testing
import SZNNCore
@testable import SZNNBaselines

@Suite("Huffman coder")
struct HuffmanCoderTests {
    @Test("a skewed seeded stream round-trips, and its size is the table plus the summed code lengths")
    func roundTripAndExactSize() throws {
        var generator = SeededGenerator(seed: 7)
        // Geometric-like symbols over 12 letters: the shape of k-means indices.
        let symbols = (0..<5_000).map { _ in min(11, Int(-log(Double.random(in: 0.0001..<1, using: &generator)) * 2)) }
        let payload = try HuffmanCoder.encode(symbols, alphabetSize: 12)
        #expect(try HuffmanCoder.decode(payload, count: symbols.count) == symbols)

        var frequencies = [Int](repeating: 0, count: 12)
        for symbol in symbols { frequencies[symbol] += 1 }
        let lengths = HuffmanCoder.codeLengths(frequencies: frequencies)
        let bits = zip(lengths, frequencies).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(payload.count == 2 + 12 + (bits + 7) / 8)
    }

    @Test("code lengths are optimal on a hand-made table and satisfy Kraft's equality")
    func lengths() {
        #expect(HuffmanCoder.codeLengths(frequencies: [5, 2, 1, 1]) == [1, 2, 3, 3])
        #expect(HuffmanCoder.codeLengths(frequencies: [3, 0, 3]) == [1, 0, 1])
        let lengths = HuffmanCoder.codeLengths(frequencies: [40, 30, 10, 9, 6, 3, 1, 1])
        #expect(lengths.reduce(0.0) { $0 + pow(2, -Double($1)) } == 1)
    }

    @Test("one symbol costs one bit each; a truncated stream is a corrupt payload")
    func edges() throws {
        let payload = try HuffmanCoder.encode([2, 2, 2, 2, 2, 2, 2, 2, 2], alphabetSize: 3)
        #expect(payload.count == 2 + 3 + 2)
        #expect(try HuffmanCoder.decode(payload, count: 9) == [Int](repeating: 2, count: 9))
        let longer = try HuffmanCoder.encode((0..<100).map { $0 % 5 }, alphabetSize: 5)
        #expect(throws: SZNNError.self) { try HuffmanCoder.decode(Array(longer.dropLast(4)), count: 100) }
    }
}
