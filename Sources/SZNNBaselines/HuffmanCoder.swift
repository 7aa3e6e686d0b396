import Foundation
import SZNNCore

/// A canonical Huffman coder for small alphabets (k-means indices), with its table in the payload.
///
/// Payload: the alphabet size (UInt16), one code length per symbol (UInt8, 0 = unused), then
/// the code bits, most significant first, padded with zeros to a byte. Canonical codes are
/// assigned in (length, symbol) order, so the lengths alone rebuild the table.
public enum HuffmanCoder {
    /// Codes are kept at most this long, so that a code fits the bit accumulator with room to spare.
    static let maximumLength = 24

    /// Codes `symbols` (each in 0..<alphabetSize).
    public static func encode(_ symbols: [Int], alphabetSize: Int) throws -> [UInt8] {
        guard alphabetSize > 0, alphabetSize <= Int(UInt16.max) else {
            throw SZNNError(.invalidArgument, "Huffman alphabet size \(alphabetSize) is outside 1 … 65535")
        }
        var frequencies = [Int](repeating: 0, count: alphabetSize)
        for symbol in symbols {
            guard symbol >= 0, symbol < alphabetSize else { throw SZNNError(.invalidArgument, "Huffman symbol \(symbol) is outside 0 ..< \(alphabetSize)") }
            frequencies[symbol] += 1
        }
        let lengths = codeLengths(frequencies: frequencies)
        let codes = canonicalCodes(lengths: lengths)
        var writer = ByteWriter()
        writer.append(UInt16(alphabetSize))
        writer.append(contentsOf: lengths.map(UInt8.init))
        var stream: [UInt8] = []
        stream.reserveCapacity(symbols.count / 2)
        var accumulator: UInt64 = 0
        var pending = 0
        for symbol in symbols {
            accumulator = (accumulator << UInt64(lengths[symbol])) | UInt64(codes[symbol])
            pending += lengths[symbol]
            while pending >= 8 {
                pending -= 8
                stream.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(pending)))
            }
        }
        if pending > 0 { stream.append(UInt8(truncatingIfNeeded: accumulator << UInt64(8 - pending))) }
        writer.append(contentsOf: stream)
        return writer.bytes
    }

    /// Decodes `count` symbols from a payload written by `encode`.
    public static func decode(_ payload: [UInt8], count: Int) throws -> [Int] {
        var reader = ByteReader(payload, context: "Huffman payload")
        let alphabetSize = Int(try reader.integer(UInt16.self))
        let lengths = try reader.take(alphabetSize).map(Int.init)
        guard lengths.allSatisfy({ $0 <= maximumLength }) else { throw SZNNError(.corruptPayload, "Huffman code length above \(maximumLength)") }
        // Canonical decoding: per length, the first code and where its symbols start in (length, symbol) order.
        let ordered = (0..<alphabetSize).filter { lengths[$0] > 0 }.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        var countPerLength = [Int](repeating: 0, count: maximumLength + 1)
        for symbol in ordered { countPerLength[lengths[symbol]] += 1 }
        var firstCode = [Int](repeating: 0, count: maximumLength + 2)
        var firstIndex = [Int](repeating: 0, count: maximumLength + 2)
        var code = 0
        var index = 0
        for length in 1...maximumLength {
            code = (code + countPerLength[length - 1]) << 1
            firstCode[length] = code
            firstIndex[length] = index
            index += countPerLength[length]
        }
        let stream = try reader.take(payload.count - reader.offset)
        var symbols: [Int] = []
        symbols.reserveCapacity(count)
        var bitPosition = 0
        let bitCount = stream.count * 8
        let base = stream.startIndex
        while symbols.count < count {
            var value = 0
            var length = 0
            while true {
                guard bitPosition < bitCount, length < maximumLength else { throw SZNNError(.corruptPayload, "Huffman stream ends early or holds an unknown code") }
                let bit = Int(stream[base + bitPosition >> 3] >> UInt8(7 - bitPosition & 7)) & 1
                bitPosition += 1
                value = (value << 1) | bit
                length += 1
                let offset = value - firstCode[length]
                if offset >= 0, offset < countPerLength[length] {
                    symbols.append(ordered[firstIndex[length] + offset])
                    break
                }
            }
        }
        return symbols
    }

    /// Optimal code lengths for `frequencies` (0 for unused symbols), at most `maximumLength` long.
    ///
    /// Built by repeatedly merging the two lightest subtrees (ties to the lower index, so the
    /// result is deterministic); if a code grows too long, the frequencies are halved and the
    /// tree rebuilt — slightly suboptimal, and only on very skewed alphabets.
    static func codeLengths(frequencies: [Int]) -> [Int] {
        var weights = frequencies
        while true {
            let lengths = unlimitedLengths(weights)
            if (lengths.max() ?? 0) <= maximumLength { return lengths }
            weights = weights.map { $0 == 0 ? 0 : ($0 + 1) / 2 }
        }
    }

    private static func unlimitedLengths(_ frequencies: [Int]) -> [Int] {
        let used = frequencies.indices.filter { frequencies[$0] > 0 }
        var lengths = [Int](repeating: 0, count: frequencies.count)
        if used.count == 1 { lengths[used[0]] = 1 }
        guard used.count > 1 else { return lengths }
        // Nodes 0..<used.count are leaves; merged nodes are appended. `parent` links them upward.
        var weight = used.map { frequencies[$0] }
        var parent = [Int](repeating: -1, count: used.count)
        var active = Array(used.indices)
        while active.count > 1 {
            active.sort { (weight[$0], $0) < (weight[$1], $1) }
            let (first, second) = (active[0], active[1])
            let merged = weight.count
            weight.append(weight[first] + weight[second])
            parent.append(-1)
            parent[first] = merged
            parent[second] = merged
            active.removeFirst(2)
            active.append(merged)
        }
        for (leaf, symbol) in used.enumerated() {
            var depth = 0
            var node = leaf
            while parent[node] >= 0 {
                node = parent[node]
                depth += 1
            }
            lengths[symbol] = depth
        }
        return lengths
    }

    /// Canonical codes for `lengths`: consecutive integers in (length, symbol) order.
    static func canonicalCodes(lengths: [Int]) -> [Int] {
        var codes = [Int](repeating: 0, count: lengths.count)
        var code = 0
        var previousLength = 0
        for symbol in lengths.indices.filter({ lengths[$0] > 0 }).sorted(by: { (lengths[$0], $0) < (lengths[$1], $1) }) {
            code <<= lengths[symbol] - previousLength
            codes[symbol] = code
            code += 1
            previousLength = lengths[symbol]
        }
        return codes
    }
}
