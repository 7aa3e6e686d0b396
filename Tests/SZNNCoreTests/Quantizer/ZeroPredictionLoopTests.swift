import Foundation
import SZNNCore
import Testing

/// The vectorized loops for a zero prediction and one bound decide exactly as the general
/// loops do: the same indices, escapes and reconstruction, bit for bit, on adversarial inputs.
@Suite("zero-prediction loops")
struct ZeroPredictionLoopTests {
    /// Predicts 0 like `ZeroPredictor` but claims to read neighbours, which routes the
    /// quantizer through its general per-element loop: the reference for the fast loops.
    struct GeneralLoopZero: Predictor {
        var readsNeighbours: Bool { true }
        func predict(index: Int, chunkStart: Int, reconstructed: UnsafePointer<Double>) -> Double { 0 }
    }

    /// Bounds from lossless through subnormal to huge (2·bound overflows at 1e308).
    static let bounds: [Double] = [0, 0x1p-1074, 1e-30, 1e-3, 0.25, 1e30, 1e308]

    @Test("quantize and reconstruct match the general loops", arguments: BoundTestSupport.floatTypes)
    func matchesGeneralLoops(dtype: DType) throws {
        // Several 4,096-element blocks, a chunk that starts inside the tensor and ends mid-block.
        let count = 10_000
        let range = 123..<9_877
        let quantizer = LinearQuantizer(radius: 1 << 12)
        for (caseNumber, input) in AdversarialInput.allCases.enumerated() {
            let tensor = try BoundTestSupport.tensor(dtype, shape: [count], bits: input.bits(count: count, dtype: dtype, seed: UInt64(caseNumber + 5)))
            for bound in Self.bounds {
                let lookup = BoundLookup(bounds: try ErrorBounds(uniform: bound), shape: [count])
                let width = dtype.byteWidth
                var fastReconstruction = Data(count: count * width)
                var generalReconstruction = Data(count: count * width)
                let (fast, general) = tensor.bytes.withUnsafeBytes { raw in
                    (fastReconstruction.withUnsafeMutableBytes { out in
                        quantizer.quantize(raw, dtype: dtype, range: range, bounds: lookup, predictor: ZeroPredictor(), reconstruction: out)
                    },
                     generalReconstruction.withUnsafeMutableBytes { out in
                        quantizer.quantize(raw, dtype: dtype, range: range, bounds: lookup, predictor: GeneralLoopZero(), reconstruction: out)
                    })
                }
                // Compared first, so that a failure prints one line, not the chunks.
                let sameChunk = fast == general, sameReconstruction = fastReconstruction == generalReconstruction
                #expect(sameChunk, "\(input) bound \(bound): the chunks differ")
                #expect(sameReconstruction, "\(input) bound \(bound): the one-pass reconstructions differ")

                var fastDecoded = Data(count: count * width)
                var generalDecoded = Data(count: count * width)
                try fastDecoded.withUnsafeMutableBytes { out in
                    try quantizer.reconstruct(fast, into: out, dtype: dtype, range: range, bounds: lookup, predictor: ZeroPredictor())
                }
                try generalDecoded.withUnsafeMutableBytes { out in
                    try quantizer.reconstruct(fast, into: out, dtype: dtype, range: range, bounds: lookup, predictor: GeneralLoopZero())
                }
                let sameDecoded = fastDecoded == generalDecoded, decodedIsReconstruction = fastDecoded == fastReconstruction
                #expect(sameDecoded, "\(input) bound \(bound): the decoded chunks differ")
                #expect(decodedIsReconstruction, "\(input) bound \(bound): the encoder's reconstruction is not the decoder's")
            }
        }
    }

    @Test("corrupt escape positions fail with the general loop's error")
    func corruptEscapes() throws {
        let quantizer = LinearQuantizer()
        let lookup = BoundLookup(bounds: try ErrorBounds(uniform: 1e-3), shape: [8])
        let cases: [[UInt32]] = [[3, 3], [5, 2], [8], [1, 9], [0, 4, 4, 6]]
        for positions in cases {
            let chunk = QuantizedChunk(indices: Array(repeating: 1, count: 8), escapePositions: positions,
                                       escapeBits: positions.map { _ in 0x7FC0_0000 })
            var messages: [String] = []
            for reference in [false, true] {
                var output = Data(count: 32)
                do {
                    try output.withUnsafeMutableBytes { out in
                        if reference {
                            try quantizer.reconstruct(chunk, into: out, dtype: .float32, range: 0..<8, bounds: lookup, predictor: GeneralLoopZero())
                        } else {
                            try quantizer.reconstruct(chunk, into: out, dtype: .float32, range: 0..<8, bounds: lookup, predictor: ZeroPredictor())
                        }
                    }
                    Issue.record("escape positions \(positions) were accepted")
                } catch let error as SZNNError {
                    #expect(error.code == .corruptPayload)
                    messages.append(error.message)
                }
            }
            #expect(messages.count == 2 && messages[0] == messages[1], "\(positions): \(messages)")
        }
    }
}
