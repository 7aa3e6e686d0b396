/// Predicts each element from its left, upper and upper-left neighbours on a 2-D grid
/// (second-order Lorenzo, as in SZ): `left + above − aboveLeft`.
///
/// `LorenzoPredictor2D(rowLength:)` views the tensor as rows of axis 0 × everything else (a
/// dense layer's [out, in]); `LorenzoPredictor2D(planeShape:)` applies the same rule inside
/// each kh × kw plane of the last two axes (the spatial taps of a conv kernel
/// [out, in, kh, kw]). Missing neighbours — the first row or column of a plane, or
/// elements before the chunk start — fall back to the one neighbour present, or 0.
public struct LorenzoPredictor2D: Predictor {
    /// Elements per grid row.
    let rowLength: Int
    /// Elements per plane (grid rows × rowLength); a plane's first row has nothing above.
    let planeLength: Int

    /// The grid of rows of axis 0 of `shape` (a 1-D tensor is one row: first-order Lorenzo).
    public init(rowsOf shape: [Int]) {
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: max($1, 0)).partialValue }
        let rows = shape.count >= 2 ? max(shape[0], 1) : 1
        rowLength = max(count / rows, 1)
        planeLength = max(count, 1)
    }

    /// The grids formed by the last two axes of `shape` (kh × kw of a conv kernel).
    public init(planesOf shape: [Int]) {
        let width = max(shape.last ?? 1, 1)
        let height = shape.count >= 2 ? max(shape[shape.count - 2], 1) : 1
        rowLength = width
        planeLength = width.multipliedReportingOverflow(by: height).partialValue
    }

    public var readsNeighbours: Bool { true }

    @inline(__always)
    public func predict(index: Int, chunkStart: Int, reconstructed: UnsafePointer<Double>) -> Double {
        let offset = index - chunkStart
        let inPlane = index % planeLength
        let hasLeft = inPlane % rowLength > 0 && offset >= 1
        let hasAbove = inPlane >= rowLength && offset >= rowLength
        switch (hasLeft, hasAbove) {
        case (true, true) where offset > rowLength:
            return reconstructed[offset - 1] + reconstructed[offset - rowLength] - reconstructed[offset - rowLength - 1]
        case (_, true): return reconstructed[offset - rowLength]
        case (true, false): return reconstructed[offset - 1]
        case (false, false): return 0
        }
    }
}
