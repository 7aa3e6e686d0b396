/// The one rule for "a reconstructed element keeps its error bound", used by `sz-nn verify` and the tests.
///
/// Elements are compared as stored in their dtype (the bound is promised on the rounded output).
/// Exactness is required where FORMAT.md promises it: under a bound of 0 (lossless), for NaN
/// and ±Inf (escaped bit patterns) and for −0.0, whose sign a quantized +0.0 would lose.
/// Everything else must come back finite and within `bound`.
public enum ErrorBoundCheck {
    /// Whether the element with bit pattern `reconstructed` keeps the promise for `original`, both of `dtype`.
    public static func holds(original: UInt64, reconstructed: UInt64, dtype: DType, bound: Double) -> Bool {
        if original == reconstructed { return true }
        let value = FloatCodec.value(ofBits: original, as: dtype)
        guard bound > 0, value.isFinite, !(value == 0 && value.sign == .minus) else { return false }
        let back = FloatCodec.value(ofBits: reconstructed, as: dtype)
        return back.isFinite && (value - back).magnitude <= bound
    }
}
