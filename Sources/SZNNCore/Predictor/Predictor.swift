/// The first stage of the pipeline: predicts each element from already reconstructed ones.
///
/// The quantizer codes `w - prediction`, so a good predictor makes indices small. A predictor
/// may read only elements of the same chunk that come earlier in scan order (chunks are
/// independently decodable); `reconstructed[k]` is element `chunkStart + k` exactly as the
/// decoder will see it. Implementations are value types and the quantizer is generic over
/// them, so the per-element call is specialized and inlined rather than dispatched.
public protocol Predictor: Sendable {
    /// False when predictions never read neighbours: the quantizer then keeps no reconstruction buffer.
    var readsNeighbours: Bool { get }

    /// The prediction of element `index` (a flat index into the tensor).
    func predict(index: Int, chunkStart: Int, reconstructed: UnsafePointer<Double>) -> Double
}

/// The one-byte ids of predictors as written in `.sznn` records (FORMAT.md §4); never renumber.
public enum PredictorKind: UInt8, Sendable, CaseIterable {
    /// Predicts 0: the indices are the quantized weights themselves.
    case zero = 0
    /// Predicts the previous element in scan order.
    case lorenzo1D = 1
    /// Second-order Lorenzo on rows of axis 0 × the rest (`left + above − aboveLeft`).
    case lorenzo2D = 2
    /// Second-order Lorenzo inside each plane of the last two axes (conv kernels' kh × kw).
    case lorenzoSpatial = 3
    /// A plane fitted per 8 × 8 block (SZ2's regression); its coefficients are stored per chunk.
    case blockRegression = 4

    /// The name used on the command line and in reports.
    public var name: String {
        switch self {
        case .zero: "zero"
        case .lorenzo1D: "lorenzo1d"
        case .lorenzo2D: "lorenzo2d"
        case .lorenzoSpatial: "lorenzo-spatial"
        case .blockRegression: "regression"
        }
    }

    /// Whether chunks carry fitted predictor parameters before their index stream (FORMAT.md §5.2).
    public var storesData: Bool { self == .blockRegression }

    /// The kind with that command-line name, or nil.
    public init?(name: String) {
        guard let match = PredictorKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }
}
