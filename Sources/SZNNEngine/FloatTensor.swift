/// A dense row-major Float32 array with a shape: the engine's only tensor type.
///
/// Activations are laid out batch first: `[N, C, H, W]` for images and `[N, F]` for
/// feature vectors. Invariant: `values.count == shape.reduce(1, *)`.
public struct FloatTensor: Sendable, Equatable {
    public private(set) var shape: [Int]
    public var values: [Float]

    /// Creates a tensor from values, checking that their count matches the shape.
    public init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw EngineError(.invalidArgument,
                              "a tensor of shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.values = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// Internal constructor for shapes the engine computed itself (count already consistent).
    init(computedShape shape: [Int], values: [Float]) {
        assert(shape.reduce(1, *) == values.count, "engine computed an inconsistent tensor")
        self.shape = shape
        self.values = values
    }

    /// Number of elements.
    public var count: Int { values.count }

    /// The leading (batch) dimension.
    public var batchSize: Int { shape.first ?? 0 }

    /// The same values viewed with another shape of equal element count.
    func reshaped(_ newShape: [Int]) -> FloatTensor {
        FloatTensor(computedShape: newShape, values: values)
    }
}
