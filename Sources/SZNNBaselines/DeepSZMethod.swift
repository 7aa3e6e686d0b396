import Foundation
import SZNNCore

/// DeepSZ-style search: profile each layer alone on a grid of bounds, combine by dynamic programming.
///
/// For every weight tensor and every bound of `relativeGrid` (times the tensor's standard
/// deviation) the tensor alone is coded with the real backend (for its size), reconstructed as decoding
/// would (`TensorEncoder.reconstruction`), and the model's
/// validation drop measured with the other tensors exact; storing the tensor losslessly is
/// the zero-drop option. `BudgetAllocation` picks the smallest combination whose summed drop
/// fits the target; the combination is then coded as one `.sznn` file, decoded and measured,
/// and if the real drop misses the target the budget is scaled down and the choice redone.
/// The profile does not depend on the target, so a sweep measures it once.
public final class DeepSZMethod: CompressionMethod {
    public let name = MethodName.deepsz
    let backend: any EntropyBackend
    /// Bounds as multiples of each tensor's standard deviation: 2^-4 … 2^1 in half octaves.
    let relativeGrid: [Double]
    /// Each retry multiplies the budget by this, until the real drop meets the target.
    let tightening = 0.75
    let retries = 6
    private var profile: [(bounds: [Double], options: [BudgetAllocation.Option])] = []
    private var model: Model?

    public init(backend: any EntropyBackend, relativeGrid: [Double] = stride(from: -4.0, through: 1.0, by: 0.5).map { pow(2, $0) }) {
        self.backend = backend
        self.relativeGrid = relativeGrid
    }

    public func search(target: Double, subject: ComparisonSubject) throws -> Candidate {
        let model = try self.model ?? subject.model()
        self.model = model
        if profile.isEmpty { try measureProfile(subject) }
        let tensors = subject.weightTensors
        var budget = target
        var attempt: Candidate?
        for _ in 0...retries {
            guard let picked = BudgetAllocation.choose(profile.map(\.options), budget: budget) else { break }
            var bounds: [String: ErrorBounds] = [:]
            var described: [String] = []
            for (layer, index) in picked.enumerated() where index > 0 {
                let bound = profile[layer].bounds[index - 1]
                bounds[tensors[layer].name] = try ErrorBounds(uniform: bound)
                described.append("\(tensors[layer].name) \(String(format: "%.3g", bound))")
            }
            let (bytes, weights) = try CodecRoundTrip.run(subject, model: model, bounds: bounds, backend: backend)
            let accuracy = try subject.validationAccuracy(of: weights)
            let candidate = Candidate(bytes: bytes, weights: weights, validationAccuracy: accuracy,
                                      setting: String(format: "budget %.3g pp: ", budget) + (described.isEmpty ? "all lossless" : described.joined(separator: ", ")))
            attempt = candidate
            if (subject.baselineValidation - accuracy) * 100 <= target + 1e-9 { return candidate }
            budget *= tightening
        }
        guard let attempt else { throw SZNNError(.targetUnreachable, "deepsz found no combination within \(target) pp") }
        return attempt
    }

    /// Option 0 of each layer is lossless (no drop); option i > 0 is bound `relativeGrid[i-1]·σ`.
    func measureProfile(_ subject: ComparisonSubject) throws {
        let tensors = subject.weightTensors
        for (position, weights) in tensors.enumerated() {
            let tensor = try Tensor(name: weights.name, shape: weights.shape, float32: weights.values)
            let mean = weights.values.reduce(0.0) { $0 + Double($1) } / Double(max(weights.values.count, 1))
            let variance = weights.values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(weights.values.count, 1))
            let deviation = max(variance.squareRoot(), 1e-6)
            var options = [BudgetAllocation.Option(bytes: try TensorEncoder.encodeLossless(tensor, backend: backend).payload.count, drop: 0)]
            var bounds: [Double] = []
            for relative in relativeGrid {
                subject.progress("deepsz: profiling \(weights.name) (\(position + 1)/\(tensors.count)) at \(String(format: "%.3g", relative))σ")
                let bound = relative * deviation
                let settings = TensorSettings(bounds: try ErrorBounds(uniform: bound))
                let record = try TensorEncoder.encode(tensor, settings: settings, backend: backend)
                // What decoding `record` gives, in one quantization pass (bit-identical, tested in Core).
                let decoded = try TensorEncoder.reconstruction(of: weights.values, shape: weights.shape, settings: settings)
                options.append(.init(bytes: record.payload.count, drop: try subject.validationDrop(of: [weights.name: decoded])))
                bounds.append(bound)
            }
            profile.append((bounds, options))
        }
    }
}
