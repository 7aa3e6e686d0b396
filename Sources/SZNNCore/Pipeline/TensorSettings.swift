/// How one floating-point tensor is to be coded with an error bound.
public struct TensorSettings: Sendable {
    /// The default number of elements per independently decodable chunk (2^20: the size
    /// cost of an entry point stays far below 0.5 % while large tensors still use every core).
    public static let defaultChunkElements = 1 << 20

    public var bounds: ErrorBounds
    public var predictor: PredictorKind
    /// Elements per chunk before rounding to whole rows (see `TensorEncoder`).
    public var chunkElements: Int
    public var radius: Int32

    public init(bounds: ErrorBounds, predictor: PredictorKind = .zero,
                chunkElements: Int = TensorSettings.defaultChunkElements, radius: Int32 = LinearQuantizer.defaultRadius) {
        self.bounds = bounds
        self.predictor = predictor
        self.chunkElements = chunkElements
        self.radius = radius
    }
}

/// The element ranges of the chunks of an `elementCount`-element tensor (FORMAT.md §5.2).
func chunkRanges(elementCount: Int, chunkElements: Int) -> [Range<Int>] {
    stride(from: 0, to: elementCount, by: chunkElements).map { $0..<min(elementCount, $0 + chunkElements) }
}
