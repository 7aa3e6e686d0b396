import Foundation
import SZNNCore
import SZNNWorkflow

/// Compresses the model with sz-nn's real codec into `.sznn` bytes and decodes those bytes back.
///
/// Tensors named in `bounds` are quantized within their bounds; every other tensor is stored
/// losslessly. The size is that of the whole container (header, metadata, every record).
enum CodecRoundTrip {
    static func run(_ subject: ComparisonSubject, model: Model, bounds: [String: ErrorBounds],
                    backend: any EntropyBackend) throws -> (bytes: Int, weights: [String: [Float]]) {
        var plan = CompressionPlan(defaultRule: .init(errorBound: 0), losslessBelowElements: 0)
        plan.boundsByName = bounds
        let container = try ModelCodec.compress(model, plan: plan, backend: backend)
        let bytes = try ContainerEncoder.encode(container)
        let decoded = try ModelCodec.decompress(try ContainerDecoder.decode(bytes, fileName: "compare.sznn"), backends: try Backends.all())
        var weights: [String: [Float]] = [:]
        for tensor in decoded.tensors {
            guard let values = tensor.floatValues() else { throw SZNNError(.corruptPayload, "tensor '\(tensor.name)' did not decode to floats") }
            weights[tensor.name] = values
        }
        return (bytes.count, weights)
    }

    /// The root mean square of the weight tensors: the unit of the bound brackets.
    static func weightScale(_ subject: ComparisonSubject) -> Double {
        let weights = subject.weightTensors
        let sum = weights.reduce(0.0) { total, tensor in tensor.values.reduce(total) { $0 + Double($1) * Double($1) } }
        return max((sum / Double(max(subject.weightCount, 1))).squareRoot(), 1e-6)
    }
}
