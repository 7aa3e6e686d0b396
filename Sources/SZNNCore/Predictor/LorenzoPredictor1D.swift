/// Predicts each element by the reconstructed element before it (first-order Lorenzo, as in SZ).
///
/// The first element of a chunk has no predecessor and is predicted as 0.
public struct LorenzoPredictor1D: Predictor {
    public init() {}
    public var readsNeighbours: Bool { true }

    @inline(__always)
    public func predict(index: Int, chunkStart: Int, reconstructed: UnsafePointer<Double>) -> Double {
        index > chunkStart ? reconstructed[index - chunkStart - 1] : 0
    }
}
