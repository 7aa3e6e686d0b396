import Foundation
import SZNNCore
import SZNNTuner

/// What a verified compression run measured: the file, its bounds and the accuracies of its decoded bytes.
public struct CompressionReport {
    public let container: Container
    public let fileBytes: Int
    /// The tuned bound of each tuned tensor, by name.
    public let bounds: [String: Double]
    /// Top-1 of the uncompressed model, fractions in [0, 1].
    public let original: (validation: Double, test: Double)
    /// What the accuracies were measured on.
    public let data: DataDescription
    /// Top-1 of the model the written bytes decode to.
    public let compressed: (validation: Double, test: Double)
    public let evaluations: Int
    public let seconds: Double
    /// The held-out confirmation of a run with a confidence level.
    public let confirmation: Confirmation?
}
