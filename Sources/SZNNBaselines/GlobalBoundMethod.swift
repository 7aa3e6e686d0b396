import Foundation
import SZNNCore

/// One absolute error bound for every weight tensor through the real `.sznn` codec, bisected.
public final class GlobalBoundMethod: CompressionMethod {
    public let name: MethodName
    let backend: any EntropyBackend
    private var search: KnobSearch?
    private var model: Model?

    /// `backend` is CABAC or zstd; the method is named after it.
    public init(backend: any EntropyBackend) {
        self.backend = backend
        name = backend.identifier == .zstd ? .globalBoundZstd : .globalBoundCABAC
    }

    public func search(target: Double, subject: ComparisonSubject) throws -> Candidate {
        let model = try self.model ?? subject.model()
        self.model = model
        let scale = CodecRoundTrip.weightScale(subject)
        let search = self.search ?? KnobSearch(low: scale / 256, high: scale * 4, steps: 10, logarithmic: true)
        self.search = search
        return try search.largestFeasible(target: target, baseline: subject.baselineValidation) { bound in
            subject.progress("\(name.rawValue): bound \(String(format: "%.3g", bound))")
            let uniform = try ErrorBounds(uniform: bound)
            let bounds = Dictionary(uniqueKeysWithValues: subject.weightTensors.map { ($0.name, uniform) })
            let (bytes, weights) = try CodecRoundTrip.run(subject, model: model, bounds: bounds, backend: backend)
            return Candidate(bytes: bytes, weights: weights, validationAccuracy: try subject.validationAccuracy(of: weights),
                             setting: "bound \(String(format: "%.3g", bound))")
        }
    }
}
