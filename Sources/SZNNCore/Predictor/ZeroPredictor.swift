/// Predicts zero for every element.
///
/// On trained weights, which look like zero-mean noise with little correlation between
/// neighbours, this is usually the best predictor: any neighbour-based prediction adds the
/// neighbour's noise to the residual.
public struct ZeroPredictor: Predictor {
    public init() {}
    public var readsNeighbours: Bool { false }

    @inline(__always)
    public func predict(index: Int, chunkStart: Int, reconstructed: UnsafePointer<Double>) -> Double { 0 }
}
