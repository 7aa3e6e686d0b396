import Foundation

/// Magnitude pruning with one global threshold over every weight tensor; survivors kept exactly.
///
/// The knob is the fraction of weights pruned, bisected in [0, 0.995]: the threshold is the
/// magnitude below which that fraction of all weights lies.
public final class PruningMethod: CompressionMethod {
    public let name = MethodName.prune
    private let search = KnobSearch(low: 0, high: 0.995, steps: 9, logarithmic: false)
    private var sortedMagnitudes: [Float] = []

    public init() {}

    public func search(target: Double, subject: ComparisonSubject) throws -> Candidate {
        if sortedMagnitudes.isEmpty {
            sortedMagnitudes = subject.weightTensors.flatMap { $0.values.map(abs) }.sorted()
        }
        return try search.largestFeasible(target: target, baseline: subject.baselineValidation) { fraction in
            try measure(fraction: fraction, subject: subject)
        }
    }

    /// The candidate with `fraction` of the weights pruned, decoded from its archive and evaluated.
    func measure(fraction: Double, subject: ComparisonSubject) throws -> Candidate {
        let pruned = min(Int(fraction * Double(sortedMagnitudes.count)), sortedMagnitudes.count - 1)
        let threshold = sortedMagnitudes.isEmpty ? 0 : sortedMagnitudes[max(pruned, 0)]
        let (bytes, weights) = try ArchiveRoundTrip.run(subject, encodeWeight: { tensor in
            try SparseCodec.encode(tensor.values, threshold: threshold)
        }, decodeWeight: { payload, shape, name in
            try SparseCodec.decode(payload, count: shape.reduce(1, *), name: name)
        })
        subject.progress(String(format: "prune: %.1f %% pruned", fraction * 100))
        return Candidate(bytes: bytes, weights: weights, validationAccuracy: try subject.validationAccuracy(of: weights),
                         setting: String(format: "%.1f %% pruned", fraction * 100))
    }
}
