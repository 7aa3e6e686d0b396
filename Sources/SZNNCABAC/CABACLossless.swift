import SZNNCore

/// The lossless mode of the CABAC backend: an adaptive order-0 byte coder through the same engine.
///
/// Each byte is coded as 8 binary decisions down a binary tree (255 contexts), with a
/// separate tree for each byte position modulo 4, because the bytes of 16- and 32-bit
/// little-endian values (mantissa low bytes, exponent bytes) have very different statistics.
/// Payload: one byte mode — `0` the bytes stored as they are, `1` the coded bins — so that
/// incompressible input never grows by more than one byte.
enum CABACLossless {
    static let lanes = 4
    static let rates = AdaptationRates(checkedFast: 4, slow: 7)

    static func encode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let models = ContextModels(contextCount: lanes * 256, rates: rates)
        defer { models.deallocate() }
        var encoder = ArithmeticEncoder(models: models, expectedBytes: bytes.count / 2 + 64)
        defer { encoder.deallocate() }
        for (position, byte) in bytes.enumerated() {
            let lane = (position & (lanes - 1)) << 8
            var node = 1
            for bit in stride(from: 7, through: 0, by: -1) {
                let bin = (byte >> UInt8(bit)) & 1 == 1
                encoder.encodeBin(context: lane | node, bin: bin)
                node = node << 1 | (bin ? 1 : 0)
            }
        }
        let coded = encoder.finish()
        return coded.count < bytes.count ? [1] + coded : [0] + Array(bytes)
    }

    static func decode(_ payload: UnsafeRawBufferPointer, byteCount: Int) throws -> [UInt8] {
        guard let mode = payload.first, mode <= 1, byteCount >= 0 else {
            throw SZNNError(.corruptPayload, "cabac lossless stream has no valid mode byte")
        }
        if mode == 0 {
            guard payload.count - 1 == byteCount else {
                throw SZNNError(.corruptPayload, "cabac stored stream has \(payload.count - 1) bytes, expected \(byteCount)")
            }
            return Array(payload.dropFirst())
        }
        // Eight bins per byte, at most `maximumBinsPerByte` bins per coded byte (see CABACBackend.decode).
        // Multiplied with overflow checks: `byteCount` comes from a file header.
        let (binsNeeded, overflow) = byteCount.multipliedReportingOverflow(by: 8)
        guard !overflow, (payload.count - 1 + ArithmeticDecoder.allowedOverread) * CABACBackend.maximumBinsPerByte >= binsNeeded else {
            throw SZNNError(.corruptPayload, "cabac lossless stream of \(payload.count) bytes cannot hold \(byteCount) bytes")
        }
        let models = ContextModels(contextCount: lanes * 256, rates: rates)
        defer { models.deallocate() }
        var decoder = ArithmeticDecoder(payload, start: 1, models: models)
        defer { decoder.deallocate() }
        var output = [UInt8](repeating: 0, count: byteCount)
        for position in 0..<byteCount {
            let lane = (position & (lanes - 1)) << 8
            var node = 1
            for _ in 0..<8 { node = node << 1 | (decoder.decodeBin(context: lane | node) ? 1 : 0) }
            output[position] = UInt8(truncatingIfNeeded: node)
            if decoder.ranPastEnd {
                throw SZNNError(.corruptPayload, "cabac lossless stream ends after \(position) of \(byteCount) bytes")
            }
        }
        return output
    }
}
