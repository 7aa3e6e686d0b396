/// A sink for the bins the binarizer produces: the arithmetic encoder or a rate estimator.
///
/// The binarizer is generic over this protocol, so the same code decides which bins to emit
/// with which contexts whether they are written or only counted; calls are specialized.
protocol BinSink {
    /// Codes one bin with the adaptive model of `context` (and updates the model).
    mutating func encodeBin(context: Int, bin: Bool)
    /// Codes the low `count` bits of `bits` (most significant first) at probability 1/2, `count` ≤ 32.
    mutating func encodeBypass(bits: UInt32, count: Int)
}

/// The size of the LPS sub-interval: `range · P(LPS)`, at least 1 so that no bin is impossible.
///
/// A multiplication instead of the 64 × 4 table of H.264/HEVC: the probability keeps its 15
/// bits, and the coded size stays within 0.05 % of the estimator's −log2 p sum.
@inline(__always)
func lpsRange(range: UInt32, probabilityOfOne: UInt32) -> (lps: UInt32, mostProbable: Bool) {
    let mostProbable = probabilityOfOne >= ContextModels.half
    let lpsProbability = mostProbable ? 32768 &- probabilityOfOne : probabilityOfOne
    let scaled = (range &* lpsProbability) >> 15
    return (scaled == 0 ? 1 : scaled, mostProbable)
}

/// The binary arithmetic encoder: the HEVC engine (9-bit range, byte-wise output with carry
/// propagation through a run of buffered 0xFF bytes) with multiplicative LPS ranges.
///
/// The output buffer grows by doubling; the caller owns it through `deallocate()`.
struct ArithmeticEncoder: BinSink {
    private var low: UInt64 = 0
    private var range: UInt32 = 510
    /// Free bit positions in `low` before a byte must be written (HEVC's `m_bitsLeft`).
    private var bitsLeft = 23
    private var bufferedByte: UInt32 = 0xFF
    private var bufferedCount = 0
    private var output: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var byteCount = 0
    let models: ContextModels

    init(models: ContextModels, expectedBytes: Int) {
        self.models = models
        capacity = max(64, expectedBytes)
        output = .allocate(capacity: capacity)
    }

    func deallocate() { output.deallocate() }

    /// Codes one bin. Branch-free but for the byte output: which interval is kept, and the
    /// renormalization shift (0 or 1 after an MPS, up to 8 after an LPS, both from the leading
    /// zeros of the kept interval), are selected rather than branched on, because the MPS/LPS
    /// outcome is what a branch predictor cannot guess.
    @inline(__always)
    mutating func encodeBin(context: Int, bin: Bool) {
        let (lps, mostProbable) = lpsRange(range: range, probabilityOfOne: models.probabilityOfOne(context))
        let mpsRange = range &- lps
        let isLPS = bin != mostProbable
        let kept = isLPS ? lps : mpsRange
        let shift = kept.leadingZeroBitCount &- 23
        // Truncating conversions: a checked one costs a compare and a trap branch per bin.
        low = (low &+ (isLPS ? UInt64(mpsRange) : 0)) &<< UInt64(truncatingIfNeeded: shift)
        range = kept &<< UInt32(truncatingIfNeeded: shift)
        bitsLeft &-= shift
        models.update(context, bin)
        if bitsLeft < 12 { writeOut() }
    }

    @inline(__always)
    mutating func encodeBypass(bits: UInt32, count: Int) {
        var remaining = count
        while remaining > 0 {
            let step = min(remaining, 8)
            remaining &-= step
            let part = (bits &>> UInt32(remaining)) & ((1 &<< UInt32(step)) &- 1)
            low = (low &<< UInt64(step)) &+ UInt64(range) &* UInt64(part)
            bitsLeft &-= step
            if bitsLeft < 12 { writeOut() }
        }
    }

    /// Moves the top byte of `low` out, resolving a carry into the buffered bytes.
    @inline(__always)
    private mutating func writeOut() {
        let leadByte = UInt32(truncatingIfNeeded: low &>> UInt64(24 &- bitsLeft))
        bitsLeft &+= 8
        low &= 0xFFFF_FFFF &>> UInt64(bitsLeft)
        if leadByte == 0xFF {
            bufferedCount &+= 1
        } else if bufferedCount > 0 {
            let carry = leadByte >> 8
            put(UInt8(truncatingIfNeeded: bufferedByte &+ carry))
            bufferedByte = leadByte & 0xFF
            let runByte = UInt8(truncatingIfNeeded: 0xFF &+ carry)
            while bufferedCount > 1 {
                put(runByte)
                bufferedCount &-= 1
            }
        } else {
            bufferedCount = 1
            bufferedByte = leadByte
        }
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        if byteCount == capacity { grow() }
        output[byteCount] = byte
        byteCount &+= 1
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: output, count: byteCount)
        output.deallocate()
        output = larger
        capacity *= 2
    }

    /// Flushes the state: the carry, the buffered bytes, then every remaining bit of `low`
    /// (padded with zeros to a byte), so that the decoder's value lands exactly on `low`.
    mutating func finish() -> [UInt8] {
        if low >> UInt64(32 &- bitsLeft) != 0 {
            put(UInt8(truncatingIfNeeded: bufferedByte &+ 1))
            while bufferedCount > 1 {
                put(0x00)
                bufferedCount &-= 1
            }
            low &-= 1 &<< UInt64(32 &- bitsLeft)
        } else {
            if bufferedCount > 0 { put(UInt8(truncatingIfNeeded: bufferedByte)) }
            while bufferedCount > 1 {
                put(0xFF)
                bufferedCount &-= 1
            }
        }
        let bitCount = 32 - bitsLeft
        let padded = (bitCount + 7) / 8 * 8
        let tail = low << UInt64(padded - bitCount)
        for byteIndex in stride(from: padded / 8 - 1, through: 0, by: -1) {
            put(UInt8(truncatingIfNeeded: tail >> UInt64(8 * byteIndex)))
        }
        return Array(UnsafeBufferPointer(start: output, count: byteCount))
    }
}
