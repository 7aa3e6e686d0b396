/// The binary arithmetic decoder mirroring `ArithmeticEncoder` (HEVC's value/bitsNeeded form).
///
/// Reading past the end of the stream yields zero bytes and is counted: a valid stream is
/// decoded with at most `ArithmeticDecoder.allowedOverread` such bytes, so callers check
/// `overread` and reject a stream that runs past its end. All arithmetic wraps, so garbage
/// input gives garbage bins but never a trap.
struct ArithmeticDecoder {
    /// Bytes a valid stream may be read past its end (the value register looks ahead 2 bytes).
    static let allowedOverread = 3

    private var value: UInt32 = 0
    private var range: UInt32 = 510
    private var bitsNeeded: Int32 = -8
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private(set) var overread = 0
    let models: ContextModels

    /// A decoder over `bytes[start...]`.
    init(_ bytes: UnsafeRawBufferPointer, start: Int, models: ContextModels) {
        self.bytes = bytes
        self.models = models
        position = start
        value = (UInt32(readByte()) << 8) | UInt32(readByte())
    }

    /// True when the stream has been read further past its end than any valid stream is.
    var ranPastEnd: Bool { overread > ArithmeticDecoder.allowedOverread }

    @inline(__always)
    private mutating func readByte() -> UInt32 {
        if position < bytes.count {
            let byte = bytes[position]
            position &+= 1
            return UInt32(byte)
        }
        overread &+= 1
        return 0
    }

    /// Decodes one bin; mirrors `ArithmeticEncoder.encodeBin`, selecting instead of branching.
    @inline(__always)
    mutating func decodeBin(context: Int) -> Bool {
        let (lps, mostProbable) = lpsRange(range: range, probabilityOfOne: models.probabilityOfOne(context))
        let mpsRange = range &- lps
        let scaledRange = mpsRange &<< 7
        let isLPS = value >= scaledRange
        let kept = isLPS ? lps : mpsRange
        let shift = Int32(kept.leadingZeroBitCount) &- 23
        value = (isLPS ? value &- scaledRange : value) &<< UInt32(shift)
        range = kept &<< UInt32(shift)
        bitsNeeded &+= shift
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
