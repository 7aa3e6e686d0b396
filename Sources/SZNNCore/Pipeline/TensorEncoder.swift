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
    ///
    /// With `base` (a tensor of the same name, dtype and shape) the record is a delta: each
    /// element is predicted by its base value and `settings.predictor` is not used.
    public static func encode(_ tensor: Tensor, settings: TensorSettings, backend: any EntropyBackend,
                              base: Tensor? = nil) throws -> TensorRecord {
        guard tensor.dtype.isFloatingPoint, !settings.bounds.isLossless else {
            return try encodeLossless(tensor, backend: backend)
        }
        let plan = try ChunkPlan(tensor, settings: settings, base: base)
        let chunks = try ParallelMap.map(plan.ranges.count) { try codeChunk(tensor, settings: settings, plan: plan, chunk: $0, backend: backend) }
        return record(tensor, settings: settings, plan: plan, chunks: chunks, backend: backend)
    }

    /// How a tensor is cut and quantized: the checked settings turned into chunk ranges and lookups.
    struct ChunkPlan: Sendable {
        let chunkElements: Int
        let ranges: [Range<Int>]
        let quantizer: LinearQuantizer
        let lookup: BoundLookup
        /// The base tensor's values, for a delta record (nil: standalone).
        let base: BasePredictor?

        /// The predictor id the record carries: the settings' own, or zero for a delta (its prediction is the base).
        func predictor(_ settings: TensorSettings) -> PredictorKind { base == nil ? settings.predictor : .zero }

        init(_ tensor: Tensor, settings: TensorSettings, base: Tensor? = nil) throws {
            guard tensor.dtype.isFloatingPoint else {
                throw SZNNError(.invalidArgument, "tensor '\(tensor.name)' is \(tensor.dtype.safetensorsName); only float tensors are quantized")
            }
            try TensorEncoder.checkSliceBounds(settings.bounds, shape: tensor.shape, name: tensor.name)
            chunkElements = alignedChunkElements(settings.chunkElements, shape: tensor.shape)
            ranges = chunkRanges(elementCount: tensor.elementCount, chunkElements: chunkElements)
            quantizer = LinearQuantizer(radius: settings.radius)
            lookup = BoundLookup(bounds: settings.bounds, shape: tensor.shape)
            if let base {
                guard base.dtype == tensor.dtype, base.shape == tensor.shape else {
                    throw SZNNError(.invalidArgument, "tensor '\(tensor.name)' (\(tensor.dtype.safetensorsName) \(tensor.shape)) cannot be coded against a base of \(base.dtype.safetensorsName) \(base.shape)")
                }
                self.base = BasePredictor(base)
            } else {
                self.base = nil
            }
        }
    }

    /// Per-slice bounds must name an axis of `shape` and give one bound per index along it.
    static func checkSliceBounds(_ bounds: ErrorBounds, shape: [Int], name: String) throws {
        if let axis = bounds.axis, axis >= shape.count || bounds.values.count != shape[axis] {
            throw SZNNError(.invalidArgument, "tensor '\(name)': per-slice bounds do not fit shape \(shape)")
        }
    }

    /// One chunk coded: its index stream (predictor data wrapped in), escape count and escape stream.
    struct CodedChunk: Sendable {
        let indices: [UInt8]
        let escapeCount: Int
        let escapes: [UInt8]
    }

    /// Quantizes and codes chunk `chunk` of `tensor`: the unit of work the encoders spread over cores.
    static func codeChunk(_ tensor: Tensor, settings: TensorSettings, plan: ChunkPlan, chunk: Int,
                          backend: any EntropyBackend) throws -> CodedChunk {
        let quantized = tensor.bytes.withUnsafeBytes { raw in
            if let base = plan.base {
                return plan.quantizer.quantize(raw, dtype: tensor.dtype, range: plan.ranges[chunk], bounds: plan.lookup, predictor: base)
            }
            return settings.predictor.quantize(plan.quantizer, raw, dtype: tensor.dtype, range: plan.ranges[chunk], bounds: plan.lookup, shape: tensor.shape)
        }
        let indexStream = plan.predictor(settings).wrapIndexStream(try backend.encode(indices: quantized.indices, shape: tensor.shape),
                                                             predictorData: quantized.predictorData)
        let escapeStream = quantized.escapePositions.isEmpty ? []
            : try escapeBytes(quantized, dtype: tensor.dtype).withUnsafeBytes { try backend.encodeLossless($0) }
        return CodedChunk(indices: indexStream, escapeCount: quantized.escapePositions.count, escapes: escapeStream)
    }

    /// The record of `tensor` from its coded chunks, in order (FORMAT.md §5.2).
    static func record(_ tensor: Tensor, settings: TensorSettings, plan: ChunkPlan, chunks: [CodedChunk],
                       backend: any EntropyBackend) -> TensorRecord {
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
        return TensorRecord(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, storage: plan.base == nil ? .errorBounded : .delta,
                            backend: backend.identifier, predictor: plan.predictor(settings), radius: settings.radius,
                            bounds: settings.bounds, chunkElements: plan.chunkElements, payload: Data(payload.bytes))
    }

    /// Quantizes `tensor` chunk by chunk on all cores and maps each chunk through `body`
    /// (the encoder codes it; a rate estimator only counts its bits). Returns the chunk size used.
    public static func quantizedChunks<T>(_ tensor: Tensor, settings: TensorSettings,
                                          _ body: (QuantizedChunk) throws -> T) throws -> (chunkElements: Int, results: [T]) {
        let plan = try ChunkPlan(tensor, settings: settings)
        let results = try tensor.bytes.withUnsafeBytes { raw in
            try ParallelMap.map(plan.ranges.count) { chunkIndex in
                try body(settings.predictor.quantize(plan.quantizer, raw, dtype: tensor.dtype, range: plan.ranges[chunkIndex],
                                                     bounds: plan.lookup, shape: tensor.shape))
            }
        }
        return (plan.chunkElements, results)
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
