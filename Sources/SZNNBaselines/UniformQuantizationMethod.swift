import Foundation
import SZNNCore

/// Per-channel int-k quantization at a fixed bit width: no knob, reported whether or not it meets the target.
public final class UniformQuantizationMethod: CompressionMethod {
    public let name: MethodName
    private let quantizer: ChannelQuantizer
    private var result: Candidate?

    /// `bits` is 8 or 4; `backend` codes the integer codes.
    public init(bits: Int, backend: any EntropyBackend) throws {
        guard bits == 8 || bits == 4 else { throw SZNNError(.invalidArgument, "int-k quantization is offered at 8 or 4 bits, got \(bits)") }
        name = bits == 8 ? .int8 : .int4
        quantizer = ChannelQuantizer(bits: bits, backend: backend)
    }

    public func search(target: Double, subject: ComparisonSubject) throws -> Candidate {
        if let result { return result }
        let (bytes, weights) = try ArchiveRoundTrip.run(subject, encodeWeight: { tensor in
            try quantizer.encode(tensor.values, shape: tensor.shape)
        }, decodeWeight: { payload, shape, name in
            try quantizer.decode(payload, shape: shape, name: name)
        })
        let candidate = Candidate(bytes: bytes, weights: weights, validationAccuracy: try subject.validationAccuracy(of: weights),
                                  setting: "\(quantizer.bits) bits, \(quantizer.backend.identifier.name)")
        result = candidate
        return candidate
    }
}
