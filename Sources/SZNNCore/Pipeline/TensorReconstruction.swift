/// The tuner's hot path: the weights a compressed file will hold, in one quantization pass.
///
/// `reconstruction(of:shape:settings:)` equals, bit for bit, decoding what `TensorEncoder.encode`
/// writes for the same float32 values and settings with any backend (the backends are lossless
/// on indices, and the decoder's arithmetic is the encoder's): the quantizer writes each value
/// it would reconstruct as it goes, with no index packing, no container and no decode.
extension TensorEncoder {
    /// The decoded values of `values` (float32, C order, of `shape`) coded at `settings`.
    ///
    /// With `base` (the base tensor's float32 values), those of a delta record coded against it,
    /// as `encode(_:settings:backend:base:)` writes it: the tuner of an update sees the update's weights.
    public static func reconstruction(of values: [Float], shape: [Int], settings: TensorSettings, base: [Float]? = nil) throws -> [Float] {
        let (elements, overflow) = Tensor.checkedProduct(shape)
        guard !overflow, elements == values.count, base.map({ $0.count == elements }) ?? true else {
            throw SZNNError(.invalidArgument, "\(values.count) values (base: \(base?.count ?? 0)) do not fill shape \(shape)")
        }
        guard !settings.bounds.isLossless else { return values }
        try checkSliceBounds(settings.bounds, shape: shape, name: "reconstruction")
        let chunkElements = alignedChunkElements(settings.chunkElements, shape: shape)
        let ranges = chunkRanges(elementCount: elements, chunkElements: chunkElements)
        let quantizer = LinearQuantizer(radius: settings.radius)
        let lookup = BoundLookup(bounds: settings.bounds, shape: shape)
        let basePredictor = base.map { BasePredictor(values: $0.map(Double.init)) }
        return try [Float](unsafeUninitializedCapacity: elements) { output, initialized in
            try values.withUnsafeBytes { raw in
                // Chunks write disjoint element ranges of `destination`.
                nonisolated(unsafe) let destination = UnsafeMutableRawBufferPointer(output)
                _ = try ParallelMap.map(ranges.count) { chunk in
                    if let basePredictor {
                        _ = quantizer.quantize(raw, dtype: .float32, range: ranges[chunk], bounds: lookup, predictor: basePredictor,
                                               reconstruction: destination)
                    } else {
                        _ = settings.predictor.quantize(quantizer, raw, dtype: .float32, range: ranges[chunk], bounds: lookup,
                                                        shape: shape, reconstruction: destination)
                    }
                }
            }
            initialized = elements
        }
    }
}
