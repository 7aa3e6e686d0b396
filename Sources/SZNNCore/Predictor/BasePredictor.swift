/// Predicts each element by the base model's element at the same index: delta coding of an update.
///
/// The quantizer then codes `w_new − w_base`, and its re-check on the stored value keeps
/// `|w_new − ŵ_new| ≤ bound` for the new weights whatever the base is (a NaN or ±Inf base
/// element makes the new one escape). `readsNeighbours` is true only so that the quantizer
/// asks for a prediction at all: like the regression planes, it reads no reconstructed value.
struct BasePredictor: Predictor {
    /// The base tensor's elements, widened to binary64 exactly (FloatCodec).
    let values: [Double]

    /// The predictor of `base`, a float tensor of the shape and dtype of the tensor it predicts.
    init(_ base: Tensor) {
        values = base.bytes.withUnsafeBytes { raw in
            (0..<base.elementCount).map { FloatCodec.load(raw, index: $0, dtype: base.dtype) }
        }
    }

    /// The predictor of base values already widened to binary64.
    init(values: [Double]) {
        self.values = values
    }

    var readsNeighbours: Bool { true }

    @inline(__always)
    func predict(index: Int, chunkStart: Int, reconstructed: UnsafePointer<Double>) -> Double { values[index] }
}
