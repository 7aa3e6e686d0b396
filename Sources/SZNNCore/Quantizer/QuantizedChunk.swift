/// The quantizer's output for one chunk: an index per element and the exactly stored escapes.
///
/// An escaped element has index 0 and its exact bit pattern in `escapeBits`; escapes are
/// elements the bound could not hold for (NaN, ±Inf, −0.0, |index| > radius, or a value that
/// failed the re-check after rounding to the output dtype).
public struct QuantizedChunk: Sendable, Equatable {
    /// One signed index per element of the chunk, in scan order.
    public var indices: [Int32]
    /// Chunk-relative positions of the escaped elements, strictly ascending.
    public var escapePositions: [UInt32]
    /// The exact bit patterns of the escaped elements (low `dtype.byteWidth` bytes significant).
    public var escapeBits: [UInt64]
    /// Parameters the chunk's predictor fitted and the decoder needs (block-regression
    /// coefficients, FORMAT.md §5.2); empty for predictors that fit nothing.
    public var predictorData: [UInt8]

    public init(indices: [Int32], escapePositions: [UInt32], escapeBits: [UInt64], predictorData: [UInt8] = []) {
        self.indices = indices
        self.escapePositions = escapePositions
        self.escapeBits = escapeBits
        self.predictorData = predictorData
    }
}

/// Looks up the absolute bound of an element from its flat index without allocating.
public struct BoundLookup: Sendable {
    let values: [Double]
    let innerStride: Int

    /// The lookup for `bounds` on a tensor of `shape`.
    public init(bounds: ErrorBounds, shape: [Int]) {
        values = bounds.values
        innerStride = max(1, bounds.innerStride(shape: shape))
    }

    /// The bound of element `index`.
    @inline(__always)
    public func bound(at index: Int) -> Double {
        values.count == 1 ? values[0] : values[(index / innerStride) % values.count]
    }
}
