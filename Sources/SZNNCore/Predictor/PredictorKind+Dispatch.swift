/// Runs the quantizer with the concrete predictor of a kind.
///
/// One switch per direction, so the generic quantizer is specialized for every predictor
/// and no per-element call goes through a witness table.
extension PredictorKind {
    /// Quantizes a chunk; `reconstruction`, when given, receives what the decoder will write (see `LinearQuantizer.quantize`).
    func quantize(_ quantizer: LinearQuantizer, _ raw: UnsafeRawBufferPointer, dtype: DType, range: Range<Int>,
                  bounds: BoundLookup, shape: [Int], reconstruction: UnsafeMutableRawBufferPointer? = nil) -> QuantizedChunk {
        switch self {
        case .zero:
            quantizer.quantize(raw, dtype: dtype, range: range, bounds: bounds, predictor: ZeroPredictor(), reconstruction: reconstruction)
        case .lorenzo1D:
            quantizer.quantize(raw, dtype: dtype, range: range, bounds: bounds, predictor: LorenzoPredictor1D(), reconstruction: reconstruction)
        case .lorenzo2D:
            quantizer.quantize(raw, dtype: dtype, range: range, bounds: bounds, predictor: LorenzoPredictor2D(rowsOf: shape),
                               reconstruction: reconstruction)
        case .lorenzoSpatial:
            quantizer.quantize(raw, dtype: dtype, range: range, bounds: bounds, predictor: LorenzoPredictor2D(planesOf: shape),
                               reconstruction: reconstruction)
        case .blockRegression:
            quantizeWithRegression(quantizer, raw, dtype: dtype, range: range, bounds: bounds, shape: shape, reconstruction: reconstruction)
        }
    }

    func reconstruct(_ quantizer: LinearQuantizer, _ chunk: QuantizedChunk, into raw: UnsafeMutableRawBufferPointer, dtype: DType,
                     range: Range<Int>, bounds: BoundLookup, shape: [Int]) throws {
        switch self {
        case .zero: try quantizer.reconstruct(chunk, into: raw, dtype: dtype, range: range, bounds: bounds, predictor: ZeroPredictor())
        case .lorenzo1D: try quantizer.reconstruct(chunk, into: raw, dtype: dtype, range: range, bounds: bounds, predictor: LorenzoPredictor1D())
        case .lorenzo2D:
            try quantizer.reconstruct(chunk, into: raw, dtype: dtype, range: range, bounds: bounds, predictor: LorenzoPredictor2D(rowsOf: shape))
        case .lorenzoSpatial:
            try quantizer.reconstruct(chunk, into: raw, dtype: dtype, range: range, bounds: bounds, predictor: LorenzoPredictor2D(planesOf: shape))
        case .blockRegression:
            let predictor = try BlockRegressionPredictor(serialized: chunk.predictorData, range: range, shape: shape)
            try quantizer.reconstruct(chunk, into: raw, dtype: dtype, range: range, bounds: bounds, predictor: predictor)
        }
    }

    /// Fits the regression planes of the chunk, quantizes with them, and keeps them for the decoder.
    private func quantizeWithRegression(_ quantizer: LinearQuantizer, _ raw: UnsafeRawBufferPointer, dtype: DType, range: Range<Int>,
                                        bounds: BoundLookup, shape: [Int], reconstruction: UnsafeMutableRawBufferPointer?) -> QuantizedChunk {
        let predictor = BlockRegressionPredictor(fitting: raw, dtype: dtype, range: range, shape: shape)
        var chunk = quantizer.quantize(raw, dtype: dtype, range: range, bounds: bounds, predictor: predictor, reconstruction: reconstruction)
        chunk.predictorData = predictor.serialized
        return chunk
    }
}
