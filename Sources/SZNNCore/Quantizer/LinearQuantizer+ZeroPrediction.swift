/// The quantizer's loops for the common case, a zero prediction and one bound per tensor, in
/// a form the compiler vectorizes.
///
/// The general loops branch per element on escapes and carry a prediction; here each block
/// of `blockElements` is first quantized branch-free (every lane computes the candidate and
/// whether it holds), then the rare escapes of the block are collected in a scalar pass.
/// The decisions are the general loop's, term for term, so the indices, escapes and
/// reconstructions are bit-identical to it (the golden-stream tests pin that).
extension LinearQuantizer {
    /// Elements per block: the accepted flags of one block stay in L1.
    static let blockElements = 4096

    /// The bit pattern of −0.0 widened to binary64, the one zero a zero prediction cannot keep.
    private static let negativeZeroBits = (-0.0 as Double).bitPattern

    /// `quantize` for a zero prediction (no neighbours read) and the uniform `bound`.
    func quantizeAroundZero<S: StoredFloat>(_ raw: UnsafeRawBufferPointer, storage: S.Type, range: Range<Int>, bound: Double,
                                            reconstruction: UnsafeMutableRawBufferPointer?) -> QuantizedChunk {
        let count = range.count
        let radius = Double(self.radius)
        let first = range.lowerBound
        var escapePositions: [UInt32] = []
        var escapeBits: [UInt64] = []
        let rejected = UnsafeMutablePointer<UInt8>.allocate(capacity: LinearQuantizer.blockElements)
        defer { rejected.deallocate() }
        let indices = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Plain pointers: bounds-checked buffer accesses keep the loop from vectorizing.
            guard let out = buffer.baseAddress, let source = raw.baseAddress else { initialized = 0; return }
            var blockStart = 0
            while blockStart < count {
                let blockEnd = min(blockStart + LinearQuantizer.blockElements, count)
                var anyRejected: UInt8 = 0
                // Branch-free: what the general loop decides for prediction 0, computed in every lane.
                for offset in blockStart..<blockEnd {
                    let value = S.load(at: source, index: first &+ offset)
                    let scaled = value / (2 * bound)
                    let candidate = Int32(truncatingIfNeeded: (scaled + 0x1.8p52).bitPattern)
                    let back = S.value(ofBits: S.bits(of: LinearQuantizer.reconstruction(prediction: 0, index: candidate, bound: bound)))
                    // NaN fails every comparison, so it is rejected like ±Inf and |q| > radius;
                    // a zero prediction reconstructs zeros as +0.0, so only −0.0 loses its zero.
                    let holds = value.isFinite && scaled.magnitude <= radius && (value - back).magnitude <= bound
                        && value.bitPattern != LinearQuantizer.negativeZeroBits
                    out[offset] = holds ? candidate : 0
                    let flag: UInt8 = holds ? 0 : 1
                    rejected[offset &- blockStart] = flag
                    anyRejected |= flag
                }
                if anyRejected != 0 {
                    for offset in blockStart..<blockEnd where rejected[offset - blockStart] != 0 {
                        escapePositions.append(UInt32(offset))
                        escapeBits.append(FloatCodec.loadBits(raw, index: first + offset, dtype: S.dtype))
                    }
                }
                blockStart = blockEnd
            }
            initialized = count
        }
        let chunk = QuantizedChunk(indices: indices, escapePositions: escapePositions, escapeBits: escapeBits)
        if let reconstruction { writeAroundZero(chunk, into: reconstruction, storage: S.self, range: range, bound: bound) }
        return chunk
    }

    /// `reconstruct` for a zero prediction and the uniform `bound`: every element from its
    /// index, then the escapes over them, after checking their positions as the general loop does.
    func reconstructAroundZero<S: StoredFloat>(_ chunk: QuantizedChunk, into raw: UnsafeMutableRawBufferPointer, storage: S.Type,
                                               range: Range<Int>, bound: Double) throws {
        var previous = -1
        for (position, offset) in chunk.escapePositions.enumerated() {
            guard Int(offset) > previous, Int(offset) < range.count else {
                throw SZNNError(.corruptPayload, "escape position \(chunk.escapePositions[position]) is out of order or beyond the chunk (last used \(previous))")
            }
            previous = Int(offset)
        }
        writeAroundZero(chunk, into: raw, storage: S.self, range: range, bound: bound)
    }

    /// Writes what the decoder reconstructs for `chunk` (escape positions already valid).
    private func writeAroundZero<S: StoredFloat>(_ chunk: QuantizedChunk, into raw: UnsafeMutableRawBufferPointer, storage: S.Type,
                                                 range: Range<Int>, bound: Double) {
        let first = range.lowerBound
        chunk.indices.withUnsafeBufferPointer { buffer in
            guard let indices = buffer.baseAddress, let destination = raw.baseAddress else { return }
            for offset in 0..<range.count {
                let bits = S.bits(of: LinearQuantizer.reconstruction(prediction: 0, index: indices[offset], bound: bound))
                S.store(bits: bits, at: destination, index: first &+ offset)
            }
        }
        for (offset, bits) in zip(chunk.escapePositions, chunk.escapeBits) {
            FloatCodec.store(bits: bits, into: raw, index: first + Int(offset), dtype: S.dtype)
        }
    }
}
