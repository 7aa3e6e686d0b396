import Foundation

/// The methods `sz-nn compare` knows, by their command-line names.
public enum MethodName: String, CaseIterable, Sendable {
    case prune, int8, int4, kmeans, svd
    case globalBoundCABAC = "global-bound-cabac"
    case globalBoundZstd = "global-bound-zstd"
    case deepsz, fisher, gradient
    case learnErrorBounds = "learn-error-bounds"

    /// The methods run when none are named: every post-training one. `learn-error-bounds`
    /// retrains the weights (minutes per target), so it runs only when asked for.
    public static let postTraining = allCases.filter { $0 != .learnErrorBounds }
}

/// One method's best configuration at a target: its decoded weights, real size and measured accuracy.
public struct Candidate {
    /// Bytes of everything the method stores (archive or `.sznn` file).
    public let bytes: Int
    /// The weights decoded from those bytes, by tensor name.
    public let weights: [String: [Float]]
    /// Validation top-1 of the decoded weights, in [0, 1].
    public let validationAccuracy: Double
    /// The knob the search chose, for the report (e.g. "pruned 88.0 %").
    public let setting: String
}

/// A compression method searched to its best ratio under a validation accuracy target.
///
/// Implementations keep whatever does not depend on the target (profiles, factorizations,
/// measured knobs) between calls, so a sweep over targets reuses it.
public protocol CompressionMethod: AnyObject {
    var name: MethodName { get }
    /// The smallest configuration found whose validation drop is within `target` percentage
    /// points; when none is, the best attempt (the row is then marked as missing the target).
    func search(target: Double, subject: ComparisonSubject) throws -> Candidate
}
