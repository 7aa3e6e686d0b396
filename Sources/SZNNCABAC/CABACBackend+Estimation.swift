import SZNNCore

/// Rate estimation for the tuner: the bits the backend would write, without writing them.
///
/// The estimate runs the encoder's own configuration trial and binarization into an
/// estimator that sums −log2 p from the same adaptive context states, so it differs from
/// the real size only by the arithmetic coder's rounding and the final flush (< 1 %).
extension CABACBackend {
    /// Bits of the stream `encode(indices:shape:)` would return, header included.
    public func estimatedBits(indices: [Int32], shape: [Int]) -> Double {
        indices.withUnsafeBufferPointer { buffer in
            let (layout, rates) = configuration(for: buffer, shape: shape)
            var estimator = RateEstimator(contextCount: layout.contextCount, candidates: [rates])
            binarize(buffer, range: 0..<buffer.count, layout: layout, into: &estimator)
            estimator.finish()
            // Two header bytes, and the flush writes about two bytes of the coder's low register.
            return Double(estimator.costs[0]) / 65536 + 32
        }
    }

    /// Bits of the payload `TensorEncoder.encode` would write for `tensor` at `settings` with
    /// this backend: index streams, escapes counted at their raw size, predictor data, and the chunk table.
    public func estimatedBits(_ tensor: Tensor, settings: TensorSettings) throws -> Double {
        guard tensor.dtype.isFloatingPoint, !settings.bounds.isLossless else {
            return Double(tensor.bytes.count * 8)
        }
        let escapeBits = Double((4 + tensor.dtype.byteWidth) * 8)
        let (_, chunkBits) = try TensorEncoder.quantizedChunks(tensor, settings: settings) { chunk in
            estimatedBits(indices: chunk.indices, shape: tensor.shape) + Double(chunk.escapePositions.count) * escapeBits + 20 * 8
                + (settings.predictor.storesData ? Double(4 + chunk.predictorData.count) * 8 : 0)
        }
        return chunkBits.reduce(32, +)
    }
}
