import Foundation
import SZNNCore
import SZNNTuner
import SZNNWorkflow

/// Compresses the model with sz-nn's real codec into `.sznn` bytes and decodes those bytes back.
///
/// The size is that of the whole container (header, metadata, every record), coded by the
/// workflow's `VerifiedCompression`: the same path the commands write their files through.
enum CodecRoundTrip {
    /// Tensors named in `bounds` are quantized within their bounds; every other tensor is stored losslessly.
    static func run(_ subject: ComparisonSubject, model: Model, bounds: [String: ErrorBounds],
                    backend: any EntropyBackend) throws -> (bytes: Int, weights: [String: [Float]]) {
        var plan = CompressionPlan(defaultRule: .init(errorBound: 0), losslessBelowElements: 0)
        plan.boundsByName = bounds
        let encoded = try VerifiedCompression(plan: plan, backend: backend).encode(model, tensors: [], bounds: [], fileName: "compare.sznn")
        return (encoded.bytes.count, try encoded.decodedWeights())
    }

    /// The file `compress --target-acc-loss` (or `train --learn-error-bounds`) would write for
    /// `tensors` at `bounds`: the command's plan (tiny tensors lossless) and its metadata.
    static func tunedFile(_ subject: ComparisonSubject, model: Model, tensors: [TunedTensor], bounds: [Double], backend: any EntropyBackend,
                          settings: [String: Any]) throws -> (bytes: Int, weights: [String: [Float]]) {
        let compression = VerifiedCompression(plan: CompressionPlan(defaultRule: .init()), backend: backend)
        let metadata = VerifiedCompression.metadata(source: subject.source?.url, sourceBytes: subject.source?.bytes, settings: settings)
        let encoded = try compression.encode(model, tensors: tensors, bounds: bounds, metadata: metadata, fileName: "compare.sznn")
        return (encoded.bytes.count, try encoded.decodedWeights())
    }

    /// The root mean square of the weight tensors: the unit of the bound brackets.
    static func weightScale(_ subject: ComparisonSubject) -> Double {
        let weights = subject.weightTensors
        let sum = weights.reduce(0.0) { total, tensor in tensor.values.reduce(total) { $0 + Double($1) * Double($1) } }
        return max((sum / Double(max(subject.weightCount, 1))).squareRoot(), 1e-6)
    }
}
