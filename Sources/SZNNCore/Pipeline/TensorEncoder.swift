import Foundation

/// Codes one tensor into a record: predictor, quantizer and backend per chunk, chunks in parallel.
///
/// Mirrored by `TensorDecoder`; FORMAT.md §5 describes the payload it writes.
public enum TensorEncoder {
    /// A record holding `tensor` exactly, through the backend's lossless mode.
    public static func encodeLossless(_ tensor: Tensor, backend: any EntropyBackend) throws -> TensorRecord {
        let payload = try tensor.bytes.withUnsafeBytes { try backend.encodeLossless($0) }
        return TensorRecord(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, storage: .lossless,
                            backend: backend.identifier, predictor: .zero, radius: 0, bounds: nil, chunkElements: 0,
                            payload: Data(payload))
    }

    /// A record holding `tensor` within `settings.bounds` of every element (lossless if every bound is 0).
    public static func encode(_ tensor: Tensor, settings: TensorSettings, backend: any EntropyBackend) throws -> TensorRecord {
        guard tensor.dtype.isFloatingPoint, !settings.bounds.isLossless else {
            return try encodeLossless(tensor, backend: backend)
        }
        let (chunkElements, chunks) = try quantizedChunks(tensor, settings: settings) { quantized in
            let indexStream = settings.predictor.wrapIndexStream(try backend.encode(indices: quantized.indices, shape: tensor.shape),
                                                                 predictorData: quantized.predictorData)
            let escapeStream = quantized.escapePositions.isEmpty ? []
                : try escapeBytes(quantized, dtype: tensor.dtype).withUnsafeBytes { try backend.encodeLossless($0) }
            return (indices: indexStream, escapeCount: quantized.escapePositions.count, escapes: escapeStream)
        }
        var payload = ByteWriter()
        payload.append(UInt32(chunks.count))
        for chunk in chunks {
            payload.append(UInt64(chunk.indices.count))
            payload.append(UInt32(chunk.escapeCount))
            payload.append(UInt64(chunk.escapes.count))
        }
        for chunk in chunks {
            payload.append(contentsOf: chunk.indices)
            payload.append(contentsOf: chunk.escapes)
        }
        return TensorRecord(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, storage: .errorBounded,
                            backend: backend.identifier, predictor: settings.predictor, radius: settings.radius,
                            bounds: settings.bounds, chunkElements: chunkElements, payload: Data(payload.bytes))
    }

    /// Quantizes `tensor` chunk by chunk on all cores and maps each chunk through `body`
    /// (the encoder codes it; a rate estimator only counts its bits). Returns the chunk size used.
    public static func quantizedChunks<T>(_ tensor: Tensor, settings: TensorSettings,
                                          _ body: (QuantizedChunk) throws -> T) throws -> (chunkElements: Int, results: [T]) {
        guard tensor.dtype.isFloatingPoint else {
            throw SZNNError(.invalidArgument, "tensor '\(tensor.name)' is \(tensor.dtype.safetensorsName); only float tensors are quantized")
        }
        if let axis = settings.bounds.axis, axis >= tensor.shape.count || settings.bounds.values.count != tensor.shape[axis] {
            throw SZNNError(.invalidArgument, "tensor '\(tensor.name)': per-slice bounds do not fit shape \(tensor.shape)")
        }
        let chunkElements = alignedChunkElements(settings.chunkElements, shape: tensor.shape)
        let ranges = chunkRanges(elementCount: tensor.elementCount, chunkElements: chunkElements)
        let quantizer = LinearQuantizer(radius: settings.radius)
        let lookup = BoundLookup(bounds: settings.bounds, shape: tensor.shape)
        let results = try tensor.bytes.withUnsafeBytes { raw in
            try ParallelMap.map(ranges.count) { chunkIndex in
                try body(settings.predictor.quantize(quantizer, raw, dtype: tensor.dtype, range: ranges[chunkIndex],
                                                     bounds: lookup, shape: tensor.shape))
            }
        }
        return (chunkElements, results)
    }

    /// The chunk size rounded down to whole rows (the elements of one index along axis 0),
    /// so that backends whose contexts look at the previous row see aligned chunks.
    static func alignedChunkElements(_ requested: Int, shape: [Int]) -> Int {
        let requested = max(1, requested)
        guard let first = shape.first, first > 0 else { return requested }
        let row = shape.reduce(1, *) / first
        return row > 0 && row <= requested ? requested / row * row : requested
    }

    /// The raw escape section (FORMAT.md §5.2): positions as u32, then exact bit patterns.
    static func escapeBytes(_ chunk: QuantizedChunk, dtype: DType) -> [UInt8] {
        var writer = ByteWriter()
        for position in chunk.escapePositions { writer.append(position) }
        var bits = [UInt8](repeating: 0, count: chunk.escapeBits.count * dtype.byteWidth)
        bits.withUnsafeMutableBytes { raw in
            for (index, pattern) in chunk.escapeBits.enumerated() { FloatCodec.store(bits: pattern, into: raw, index: index, dtype: dtype) }
        }
        writer.append(contentsOf: bits)
        return writer.bytes
    }
}
