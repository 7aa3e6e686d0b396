/// The second stage: a linear quantizer that guarantees |w - ŵ| <= bound for every element.
///
/// `q = round((w - prediction) / (2·bound))`, reconstruction `ŵ = prediction + 2·bound·q`
/// rounded to the output dtype. The bound is re-checked on `ŵ` *as stored*, because rounding
/// to f16/bf16/f32 can push an element past the bound; such elements, and NaN, ±Inf, −0.0
/// and |q| > radius, are escaped and stored exactly. The encoder runs the decoder's
/// arithmetic on the same operands, so both sides reconstruct bit-identical values.
public struct LinearQuantizer: Sendable {
    /// The default largest |index| before an element is escaped (2^20: far above what any
    /// useful bound produces on weights, small enough for every backend's binarization).
    public static let defaultRadius: Int32 = 1 << 20

    /// The largest |index| that is coded as an index rather than escaped.
    public let radius: Int32

    public init(radius: Int32 = LinearQuantizer.defaultRadius) {
        self.radius = radius
    }

    /// The reconstruction both encoder and decoder compute (q = 0 short-circuits so that a
    /// huge bound, where 2·bound overflows to infinity, still reconstructs the prediction).
    @inline(__always)
    static func reconstruction(prediction: Double, index: Int32, bound: Double) -> Double {
        index == 0 ? prediction : prediction + 2 * bound * Double(index)
    }

    /// Quantizes elements `range` of the little-endian `raw` buffer of `dtype`.
    ///
    /// With `reconstruction` (a buffer of the same dtype and element count as `raw`), elements
    /// `range` of it also receive exactly what the decoder will write for them: the tuner's
    /// one-pass reconstruction, with no index packing and no container.
    public func quantize<P: Predictor>(_ raw: UnsafeRawBufferPointer, dtype: DType, range: Range<Int>,
                                       bounds: BoundLookup, predictor: P,
                                       reconstruction: UnsafeMutableRawBufferPointer? = nil) -> QuantizedChunk {
        switch dtype {
        case .float64: quantize(raw, storage: Float64Storage.self, range: range, bounds: bounds, predictor: predictor, reconstruction: reconstruction)
        case .float16: quantize(raw, storage: Float16Storage.self, range: range, bounds: bounds, predictor: predictor, reconstruction: reconstruction)
        case .bfloat16: quantize(raw, storage: BFloat16Storage.self, range: range, bounds: bounds, predictor: predictor, reconstruction: reconstruction)
        default: quantize(raw, storage: Float32Storage.self, range: range, bounds: bounds, predictor: predictor, reconstruction: reconstruction)
        }
    }

    /// The quantization loop, specialized per storage format and predictor.
    private func quantize<P: Predictor, S: StoredFloat>(_ raw: UnsafeRawBufferPointer, storage: S.Type, range: Range<Int>,
                                                        bounds: BoundLookup, predictor: P,
                                                        reconstruction: UnsafeMutableRawBufferPointer?) -> QuantizedChunk {
        let keepsReconstruction = predictor.readsNeighbours
        let uniformBound = bounds.values.count == 1 ? bounds.values[0] : nil
        if !keepsReconstruction, let uniformBound {
            return quantizeAroundZero(raw, storage: S.self, range: range, bound: uniformBound, reconstruction: reconstruction)
        }
        let count = range.count
        var escapePositions: [UInt32] = []
        var escapeBits: [UInt64] = []
        let radius = Double(self.radius)
        // Reconstructed values of this chunk, read by neighbour-based predictors.
        let recon = UnsafeMutablePointer<Double>.allocate(capacity: keepsReconstruction ? max(count, 1) : 1)
        defer { recon.deallocate() }
        let indices = [Int32](unsafeUninitializedCapacity: count) { out, initialized in
            for offset in 0..<count {
                let index = range.lowerBound + offset
                let value = S.load(raw, index: index)
                let prediction = keepsReconstruction
                    ? predictor.predict(index: index, chunkStart: range.lowerBound, reconstructed: recon) : 0
                let bound = uniformBound ?? bounds.bound(at: index)
                var code: Int32 = 0
                var stored = value
                var storedBits: UInt64 = 0
                var escaped = true
                let scaled = (value - prediction) / (2 * bound)
                // NaN (NaN input, or 0/0 at bound 0) fails the `<=` and escapes, as does ±Inf.
                if value.isFinite, scaled.magnitude <= radius {
                    // Adding 1.5·2^52 rounds to nearest-even without a libm call (exact for
                    // |scaled| <= radius < 2^31): the sum's low 32 mantissa bits are then the
                    // rounded value in two's complement, read without a checked conversion.
                    let candidate = Int32(truncatingIfNeeded: (scaled + 0x1.8p52).bitPattern)
                    let bits = S.bits(of: LinearQuantizer.reconstruction(prediction: prediction, index: candidate, bound: bound))
                    let back = S.value(ofBits: bits)
                    // A zero keeps its sign, and −0.0 comes back as exactly −0.0: a neighbour-based
                    // prediction can reconstruct it as a small negative within the bound, which
                    // the promise (−0.0 bit-exact) does not allow.
                    let keepsZero = value != 0 || (back.sign == value.sign && (value.sign == .plus || back == 0))
                    if (value - back).magnitude <= bound, keepsZero {
                        code = candidate
                        stored = back
                        storedBits = bits
                        escaped = false
                    }
                }
                if escaped {
                    storedBits = FloatCodec.loadBits(raw, index: index, dtype: S.dtype)
                    escapePositions.append(UInt32(offset))
                    escapeBits.append(storedBits)
                }
                out[offset] = code
                if keepsReconstruction { recon[offset] = stored }
                if let reconstruction { FloatCodec.store(bits: storedBits, into: reconstruction, index: index, dtype: S.dtype) }
            }
            initialized = count
        }
        return QuantizedChunk(indices: indices, escapePositions: escapePositions, escapeBits: escapeBits)
    }

    /// Writes the reconstruction of `chunk` into elements `range` of `raw`; rejects escapes
    /// that are out of order or out of range (a corrupt payload).
    public func reconstruct<P: Predictor>(_ chunk: QuantizedChunk, into raw: UnsafeMutableRawBufferPointer, dtype: DType,
                                          range: Range<Int>, bounds: BoundLookup, predictor: P) throws {
        switch dtype {
        case .float64: try reconstruct(chunk, into: raw, storage: Float64Storage.self, range: range, bounds: bounds, predictor: predictor)
        case .float16: try reconstruct(chunk, into: raw, storage: Float16Storage.self, range: range, bounds: bounds, predictor: predictor)
        case .bfloat16: try reconstruct(chunk, into: raw, storage: BFloat16Storage.self, range: range, bounds: bounds, predictor: predictor)
        default: try reconstruct(chunk, into: raw, storage: Float32Storage.self, range: range, bounds: bounds, predictor: predictor)
        }
    }

    /// The reconstruction loop, specialized per storage format and predictor.
    private func reconstruct<P: Predictor, S: StoredFloat>(_ chunk: QuantizedChunk, into raw: UnsafeMutableRawBufferPointer,
                                                           storage: S.Type, range: Range<Int>, bounds: BoundLookup, predictor: P) throws {
        let count = range.count
        guard chunk.indices.count == count, chunk.escapePositions.count == chunk.escapeBits.count else {
            throw SZNNError(.corruptPayload, "chunk has \(chunk.indices.count) indices for \(count) elements")
        }
        let keepsReconstruction = predictor.readsNeighbours
        if !keepsReconstruction, bounds.values.count == 1 {
            return try reconstructAroundZero(chunk, into: raw, storage: S.self, range: range, bound: bounds.values[0])
        }
        let recon = UnsafeMutablePointer<Double>.allocate(capacity: keepsReconstruction ? max(count, 1) : 1)
        defer { recon.deallocate() }
        var nextEscape = 0
        var previousEscape = -1
        chunk.indices.withUnsafeBufferPointer { indices in
            for offset in 0..<count {
                let index = range.lowerBound + offset
                let prediction = keepsReconstruction
                    ? predictor.predict(index: index, chunkStart: range.lowerBound, reconstructed: recon) : 0
                let bits: UInt64
                if nextEscape < chunk.escapePositions.count, Int(chunk.escapePositions[nextEscape]) == offset {
                    bits = chunk.escapeBits[nextEscape]
                    previousEscape = offset
                    nextEscape += 1
                } else {
                    let value = LinearQuantizer.reconstruction(prediction: prediction, index: indices[offset], bound: bounds.bound(at: index))
                    bits = S.bits(of: value)
                }
                FloatCodec.store(bits: bits, into: raw, index: index, dtype: S.dtype)
                if keepsReconstruction { recon[offset] = S.value(ofBits: bits) }
            }
        }
        guard nextEscape == chunk.escapePositions.count else {
            throw SZNNError(.corruptPayload, "escape position \(chunk.escapePositions[nextEscape]) is out of order or beyond the chunk (last used \(previousEscape))")
        }
    }
}
