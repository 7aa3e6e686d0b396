import SZNNCore

/// How a stream's indices are binarized and which contexts code them (signalled in its header).
///
/// Binarization of an index q (DeepCABAC / NNC): `sig` (q ≠ 0), `sign` (q < 0), then
/// `greater_x` flags (|q| > x) for x = 1 … `greaterCount` while they are 1, then for
/// |q| > `greaterCount` the remainder |q| − greaterCount − 1 as order-0 Exp-Golomb whose
/// unary prefix is context-coded and whose suffix is bypass-coded — except, with
/// `modelsSuffix`, the suffix's top `modelledSuffixBits` bits, which get contexts by prefix
/// length and bit position: within an Exp-Golomb bucket a peaked distribution is far from
/// uniform, and coding those bits at 1/2 cost 0.5–1 % of the size at fine bounds.
///
/// Contexts: `sig` and `sign` by the previous index in scan order (zero / negative / positive),
/// `greater_x` by sign and x, as in NNC. With `usesNeighbours`, the index one row above
/// (same column, previous row; row = elements per index of axis 0) refines them: `sig` by
/// min(|above|, 2), `sign` by the sign of above, `greater_x` by whether the larger neighbour
/// magnitude is below, at or above x.
public struct ContextLayout: Sendable, Hashable {
    /// The number of `greater_x` flags before the Exp-Golomb remainder (0 … 15).
    public let greaterCount: Int
    /// Whether contexts look at the previous row as well as the previous index.
    public let usesNeighbours: Bool
    /// Whether the top bits of the Exp-Golomb suffix are context-coded.
    public let modelsSuffix: Bool
    /// Elements per row in the stream (0: no row above is used).
    let rowLength: Int

    static let maximumGreaterCount = 15
    /// Prefix bins of the remainder beyond this share the last context.
    static let prefixContexts = 16
    /// The longest Exp-Golomb prefix a valid stream holds (|q| < 2^32).
    static let maximumPrefix = 32
    /// Suffix bits (from the most significant) that are context-coded when `modelsSuffix`.
    static let modelledSuffixBits = 3

    init(greaterCount: Int, usesNeighbours: Bool, modelsSuffix: Bool, rowLength: Int) {
        self.greaterCount = greaterCount
        self.usesNeighbours = usesNeighbours
        self.modelsSuffix = modelsSuffix
        self.rowLength = usesNeighbours ? rowLength : 0
    }

    /// Rows of `shape` as a stream of `count` indices sees them: the row length if a row is
    /// shorter than the stream (so that a previous row exists), else 0.
    static func rowLength(shape: [Int], count: Int) -> Int {
        guard let rows = shape.first, rows > 0 else { return 0 }
        let elements = shape.reduce(1) { $0.multipliedReportingOverflow(by: max($1, 0)).partialValue }
        let row = elements / rows
        return row > 1 && row < count ? row : 0
    }

    var contextCount: Int { 18 + 6 * greaterCount + ContextLayout.prefixContexts * (1 + ContextLayout.modelledSuffixBits) }

    /// The header byte: greaterCount in bits 0–3, usesNeighbours in bit 4, modelsSuffix in bit 5.
    var headerByte: UInt8 { UInt8(greaterCount) | (usesNeighbours ? 0x10 : 0) | (modelsSuffix ? 0x20 : 0) }

    /// The layout a header byte describes, or nil for bits this version does not know.
    init?(headerByte: UInt8, rowLength: Int) {
        guard headerByte & 0xC0 == 0 else { return nil }
        self.init(greaterCount: Int(headerByte & 0x0F), usesNeighbours: headerByte & 0x10 != 0,
                  modelsSuffix: headerByte & 0x20 != 0, rowLength: rowLength)
    }

    /// The contexts of one index given its neighbours; shared by encoder, estimator and decoder.
    @inline(__always)
    func contexts(previous: Int32, above: Int32) -> (significance: Int, sign: Int, aboveMagnitude: UInt32, previousMagnitude: UInt32) {
        let previousClass = previous == 0 ? 0 : (previous < 0 ? 1 : 2)
        let aboveMagnitude = above.magnitude
        let aboveClass = Int(min(aboveMagnitude, 2))
        let aboveSign = above == 0 ? 0 : (above < 0 ? 1 : 2)
        return (previousClass &* 3 &+ aboveClass, 9 &+ previousClass &* 3 &+ aboveSign, aboveMagnitude, previous.magnitude)
    }

    /// The context of flag |q| > x (x ≥ 1) for an index of the given sign.
    @inline(__always)
    func greaterContext(x: Int, negative: Bool, neighbourMagnitude: UInt32) -> Int {
        let magnitudeClass = neighbourMagnitude < UInt32(x) ? 0 : (neighbourMagnitude == UInt32(x) ? 1 : 2)
        let group = (negative ? 3 : 0) &+ (usesNeighbours ? magnitudeClass : 0)
        return 18 &+ group &* greaterCount &+ (x &- 1)
    }

    /// The context of prefix bin `position` of the Exp-Golomb remainder.
    @inline(__always)
    func prefixContext(_ position: Int) -> Int {
        18 &+ 6 &* greaterCount &+ min(position, ContextLayout.prefixContexts &- 1)
    }

    /// The context of suffix bit `bit` (0 = most significant) after a prefix of `prefixLength`.
    @inline(__always)
    func suffixContext(prefixLength: Int, bit: Int) -> Int {
        18 &+ 6 &* greaterCount &+ ContextLayout.prefixContexts
            &+ min(prefixLength, ContextLayout.prefixContexts &- 1) &* ContextLayout.modelledSuffixBits &+ bit
    }

    /// Emits the `length`-bit Exp-Golomb suffix: modelled top bits, then bypass bits.
    @inline(__always)
    func encodeSuffix<Sink: BinSink>(_ suffix: UInt32, length: Int, into sink: inout Sink) {
        var remaining = length
        if modelsSuffix {
            for bit in 0..<min(length, ContextLayout.modelledSuffixBits) {
                remaining &-= 1
                sink.encodeBin(context: suffixContext(prefixLength: length, bit: bit), bin: (suffix &>> UInt32(remaining)) & 1 == 1)
            }
        }
        sink.encodeBypass(bits: suffix, count: remaining)
    }
}

/// Emits the bins of `indices[range]` into `sink`; neighbours are read from the whole buffer.
///
/// `range` is the whole stream when coding, or a sample of it when estimating.
@inline(__always)
func binarize<Sink: BinSink>(_ indices: UnsafeBufferPointer<Int32>, range: Range<Int>, layout: ContextLayout, into sink: inout Sink) {
    let rowLength = layout.rowLength
    let greaterCount = layout.greaterCount
    var previous: Int32 = range.lowerBound > 0 ? indices[range.lowerBound &- 1] : 0
    for position in range {
        let index = indices[position]
        let above: Int32 = rowLength > 0 && position >= rowLength ? indices[position &- rowLength] : 0
        let contexts = layout.contexts(previous: previous, above: above)
        previous = index
        let magnitude = index.magnitude
        sink.encodeBin(context: contexts.significance, bin: magnitude != 0)
        if magnitude == 0 { continue }
        let negative = index < 0
        sink.encodeBin(context: contexts.sign, bin: negative)
        let neighbourMagnitude = max(contexts.aboveMagnitude, contexts.previousMagnitude)
        var x = 1
        while x <= greaterCount {
            let greater = magnitude > UInt32(x)
            sink.encodeBin(context: layout.greaterContext(x: x, negative: negative, neighbourMagnitude: neighbourMagnitude), bin: greater)
            if !greater { break }
            x &+= 1
        }
        if x > greaterCount {
            // Order-0 Exp-Golomb of the remainder: value + 1 = 2^k + suffix, k ones then a zero, k bits.
            let shifted = UInt64(magnitude) &- UInt64(greaterCount)
            let prefixLength = 63 &- shifted.leadingZeroBitCount
            for bit in 0..<prefixLength { sink.encodeBin(context: layout.prefixContext(bit), bin: true) }
            sink.encodeBin(context: layout.prefixContext(prefixLength), bin: false)
            layout.encodeSuffix(UInt32(truncatingIfNeeded: shifted &- (1 &<< UInt64(prefixLength))), length: prefixLength, into: &sink)
        }
    }
}

/// Decodes `output.count` indices; mirrors `binarize`. Throws `.corruptPayload` when the stream
/// runs past its end or decodes to an index outside Int32.
func debinarize(_ stream: inout ArithmeticDecoder, layout: ContextLayout, into output: UnsafeMutableBufferPointer<Int32>) throws {
    // A local copy: through the inout parameter every bin loaded and stored the decoder state,
    // since the context-state stores might alias it.
    var decoder = stream
    defer { stream = decoder }
    let rowLength = layout.rowLength
    let greaterCount = layout.greaterCount
    var previous: Int32 = 0
    for position in 0..<output.count {
        let above: Int32 = rowLength > 0 && position >= rowLength ? output[position &- rowLength] : 0
        let contexts = layout.contexts(previous: previous, above: above)
        var index: Int32 = 0
        if decoder.decodeBin(context: contexts.significance) {
            let negative = decoder.decodeBin(context: contexts.sign)
            let neighbourMagnitude = max(contexts.aboveMagnitude, contexts.previousMagnitude)
            var magnitude: Int64 = 1
            while magnitude <= Int64(greaterCount),
                  decoder.decodeBin(context: layout.greaterContext(x: Int(magnitude), negative: negative, neighbourMagnitude: neighbourMagnitude)) {
                magnitude &+= 1
            }
            if magnitude > Int64(greaterCount) {
                var prefixLength = 0
                while decoder.decodeBin(context: layout.prefixContext(prefixLength)) {
                    prefixLength &+= 1
                    guard prefixLength < ContextLayout.maximumPrefix else {
                        throw SZNNError(.corruptPayload, "cabac stream has an Exp-Golomb prefix longer than \(ContextLayout.maximumPrefix) at index \(position)")
                    }
                }
                // The suffix `encodeSuffix` wrote, decoded here rather than in a method: the
                // compiler did not inline one, and the call kept the decoder out of registers.
                var suffix: UInt32 = 0
                var remaining = prefixLength
                if layout.modelsSuffix {
                    for bit in 0..<min(prefixLength, ContextLayout.modelledSuffixBits) {
                        remaining &-= 1
                        suffix = suffix &<< 1 | (decoder.decodeBin(context: layout.suffixContext(prefixLength: prefixLength, bit: bit)) ? 1 : 0)
                    }
                }
                suffix = suffix &<< UInt32(remaining) | decoder.decodeBypass(count: remaining)
                magnitude = (Int64(1) << Int64(prefixLength)) &+ Int64(suffix) &+ Int64(greaterCount)
            }
            let signed = negative ? -magnitude : magnitude
            guard let value = Int32(exactly: signed) else {
                throw SZNNError(.corruptPayload, "cabac stream decodes index \(position) to \(signed), outside Int32")
            }
            index = value
        }
        output[position] = index
        previous = index
        if decoder.ranPastEnd {
            throw SZNNError(.corruptPayload, "cabac stream ends after \(position) of \(output.count) indices")
        }
    }
}
