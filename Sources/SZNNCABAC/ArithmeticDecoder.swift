/// The binary arithmetic decoder mirroring `ArithmeticEncoder` (HEVC's value/bitsNeeded form).
///
/// Reading past the end of the stream yields zero bytes: the decoder reads a private copy of
/// the stream followed by `padding` zeros, so that a byte read is a plain load with no end
/// check. A valid stream is decoded with at most `ArithmeticDecoder.allowedOverread` bytes
/// past its end; callers check `ranPastEnd` after every symbol (an index reads at most 57
/// bytes, a lossless byte 8), so a stream that runs past its end is rejected before the
/// padding is used up. All arithmetic wraps, so garbage input gives garbage bins but never a
/// trap. Release the copy with `deallocate()`.
struct ArithmeticDecoder {
    /// Bytes a valid stream may be read past its end (the value register looks ahead 2 bytes).
    static let allowedOverread = 3
    /// Zero bytes after the copy: more than a symbol can read (52 context bins of at most 8
    /// bits and 31 bypass bits make 57 bytes per index) beyond the allowed overread.
    static let padding = 64 + allowedOverread

    private var value: UInt32 = 0
    private var range: UInt32 = 510
    private var bitsNeeded: Int32 = -8
    private let buffer: UnsafeMutablePointer<UInt8>
    private var cursor: UnsafeMutablePointer<UInt8>
    /// The first position past the allowed overread: a cursor beyond it has read too far.
    private let limit: UnsafeMutablePointer<UInt8>
    let models: ContextModels

    /// A decoder over `bytes[start...]`.
    init(_ bytes: UnsafeRawBufferPointer, start: Int, models: ContextModels) {
        let count = max(bytes.count - start, 0)
        buffer = .allocate(capacity: count + ArithmeticDecoder.padding)
        if count > 0, let base = bytes.baseAddress {
            buffer.initialize(from: base.assumingMemoryBound(to: UInt8.self) + start, count: count)
        }
        (buffer + count).initialize(repeating: 0, count: ArithmeticDecoder.padding)
        cursor = buffer
        limit = buffer + count + ArithmeticDecoder.allowedOverread
        self.models = models
        value = (UInt32(readByte()) << 8) | UInt32(readByte())
    }

    func deallocate() { buffer.deallocate() }

    /// True when the stream has been read further past its end than any valid stream is.
    var ranPastEnd: Bool { cursor > limit }

    @inline(__always)
    private mutating func readByte() -> UInt32 {
        let byte = cursor.pointee
        cursor += 1
        return UInt32(byte)
    }

    /// Decodes one bin; mirrors `ArithmeticEncoder.encodeBin`, selecting instead of branching.
    @inline(__always)
    mutating func decodeBin(context: Int) -> Bool {
        let (lps, mostProbable) = lpsRange(range: range, probabilityOfOne: models.probabilityOfOne(context))
        let mpsRange = range &- lps
        let scaledRange = mpsRange &<< 7
        let isLPS = value >= scaledRange
        let kept = isLPS ? lps : mpsRange
        // Truncating conversions: a checked one costs a compare and a trap branch per bin.
        let shift = UInt32(truncatingIfNeeded: kept.leadingZeroBitCount &- 23)
        value = (isLPS ? value &- scaledRange : value) &<< shift
        range = kept &<< shift
        bitsNeeded &+= Int32(truncatingIfNeeded: shift)
        if bitsNeeded >= 0 {
            value &+= readByte() &<< UInt32(bitsNeeded)
            bitsNeeded &-= 8
        }
        let bin = isLPS != mostProbable
        models.update(context, bin)
        return bin
    }

    /// Decodes `count` (≤ 32) bypass bins, most significant first.
    @inline(__always)
    mutating func decodeBypass(count: Int) -> UInt32 {
        var result: UInt32 = 0
        for _ in 0..<count {
            value = value &<< 1
            bitsNeeded &+= 1
            if bitsNeeded >= 0 {
                bitsNeeded = -8
                value &+= readByte()
            }
            let scaledRange = range &<< 7
            result = result &<< 1
            if value >= scaledRange {
                value &-= scaledRange
                result |= 1
            }
        }
        return result
    }
}
