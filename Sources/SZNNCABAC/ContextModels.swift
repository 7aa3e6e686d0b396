import SZNNCore

/// The adaptive probability states of one stream: two estimators per context, averaged.
///
/// Each context holds two 15-bit estimates of P(bin = 1) that move towards each observed bin
/// with different speeds (`p += (target − p) >> shift`): the fast one follows local changes,
/// the slow one averages over a long window, and their mean is used (as in VVC and NNC).
/// The state lives in one flat buffer owned by the caller, two `UInt16` per context, so the
/// per-bin path neither allocates nor goes through an array's bounds and uniqueness checks.
struct ContextModels {
    /// P(1) = 1/2 in the 15-bit scale used throughout (32768 = probability 1).
    static let half: UInt32 = 1 << 14

    /// Two states per context: `[fast, slow]`.
    let states: UnsafeMutablePointer<UInt16>
    let contextCount: Int
    let fastShift: UInt16
    let slowShift: UInt16

    /// Fresh states (P(1) = 1/2) for `contextCount` contexts; release them with `deallocate()`.
    init(contextCount: Int, rates: AdaptationRates) {
        self.contextCount = contextCount
        states = .allocate(capacity: 2 * max(contextCount, 1))
        states.initialize(repeating: UInt16(ContextModels.half), count: 2 * max(contextCount, 1))
        fastShift = UInt16(rates.fast)
        slowShift = UInt16(rates.slow)
    }

    func deallocate() { states.deallocate() }

    /// The mean of both estimates of P(bin = 1), in 1/32768.
    @inline(__always)
    func probabilityOfOne(_ context: Int) -> UInt32 {
        (UInt32(states[2 &* context]) &+ UInt32(states[2 &* context &+ 1])) >> 1
    }

    /// Moves both estimates of `context` towards `bin`.
    @inline(__always)
    func update(_ context: Int, _ bin: Bool) {
        let fast = states[2 &* context]
        let slow = states[2 &* context &+ 1]
        // Both outcomes computed, one selected: the bin is unpredictable, the arithmetic is cheap.
        states[2 &* context] = bin ? fast &+ ((32768 &- fast) &>> fastShift) : fast &- (fast &>> fastShift)
        states[2 &* context &+ 1] = bin ? slow &+ ((32768 &- slow) &>> slowShift) : slow &- (slow &>> slowShift)
    }
}

/// The two adaptation speeds of a stream's estimators, as window shifts (window ≈ 2^shift bins).
public struct AdaptationRates: Sendable, Hashable, CustomStringConvertible {
    /// The shift of the fast estimator (smaller adapts faster).
    public let fast: Int
    /// The shift of the slow estimator.
    public let slow: Int

    /// The valid range of a shift: below 1 an estimate jumps to certainty, above 14 it barely moves.
    public static let validShifts = 1...14

    public init(fast: Int, slow: Int) throws {
        guard AdaptationRates.validShifts.contains(fast), AdaptationRates.validShifts.contains(slow) else {
            throw SZNNError(.invalidArgument, "CABAC adaptation shifts (\(fast), \(slow)) are out of range", hint: "use shifts from 1 to 14")
        }
        self.fast = fast
        self.slow = slow
    }

    /// A pair known to be valid (for the built-in candidate list).
    init(checkedFast fast: Int, slow: Int) {
        self.fast = fast
        self.slow = slow
    }

    /// The pairs the encoder tries on each stream by default, fastest first.
    public static let defaultCandidates = [
        AdaptationRates(checkedFast: 4, slow: 7), AdaptationRates(checkedFast: 5, slow: 8),
        AdaptationRates(checkedFast: 6, slow: 9), AdaptationRates(checkedFast: 5, slow: 10),
    ]

    public var description: String { "(\(fast), \(slow))" }
}
