import Foundation
import SZNNCore
import SZNNEngine

/// The accuracy promise on unseen data: bounds found on one part of validation are accepted
/// only where a one-sided upper bound on the drop, measured on images the search never saw,
/// stays within the target.
///
/// The search picks its winner among many evaluations on the same images, so its drop sits at
/// the edge of that sample and is optimistic. The confirmation tests the winner scaled by a
/// fixed ladder of factors, from the safest (⅛) up to 1, and stops at the first that fails:
/// fixed-sequence testing, so testing several factors on the same held-out images needs no
/// correction — the chosen one is within the target with probability ≥ C.
public struct Confirmation: Sendable {
    /// The confidence level C.
    public let confidence: Double
    /// The flips on the held-out images at the chosen bounds.
    public let drop: PairedDrop
    /// The drop's upper bound at confidence C, in percentage points.
    public let upperBound: Double
    /// The factor the searched bounds were multiplied by (1: the search's winner held).
    public let scale: Double
    /// Estimated bits at the searched bounds and at the confirmed ones: what the promise cost.
    public let searchedBits: Double
    public let confirmedBits: Double

    /// The factors tried, from the safest up: 2^(−k/8) for k = 24 … 0 (steps of 9 %).
    static let ladder: [Double] = (0...24).reversed().map { pow(2, -Double($0) / 8) }

    /// Splits `validation` at random (seeded) into the images searched on and the held-out share `fraction`.
    static func split(_ validation: Dataset, fraction: Double, seed: UInt64) throws -> (search: Dataset, held: Dataset) {
        guard fraction > 0, fraction < 1 else {
            throw SZNNError(.invalidArgument, "the confirmation share must be in (0, 1), got \(fraction)")
        }
        let heldCount = Int((Double(validation.count) * fraction).rounded())
        guard heldCount >= 1, validation.count - heldCount >= 1 else {
            throw SZNNError(.malformedDataset, "\(validation.count) validation images are too few to hold some out for confirmation",
                            hint: "give more validation images, or turn the confirmation off with --confidence 0")
        }
        var order = Array(0..<validation.count)
        var generator = RandomGenerator(seed: seed &+ 0x5EED)
        generator.shuffle(&order)
        return (try validation.subset(indices: Array(order[heldCount...]).sorted(), name: "\(validation.name) (search)"),
                try validation.subset(indices: Array(order[..<heldCount]).sorted(), name: "\(validation.name) (confirmation)"))
    }

    /// Climbs the ladder of factors on `bounds` and keeps the last whose upper bound meets `target`.
    static func confirm(_ bounds: [Double], on probe: AccuracyProbe, confidence: Double, target: Double,
                        searchedBits: Double, estimatedBits: ([Double]) -> Double) throws -> Confirmation {
        let original = try probe.outcomes(bounds: nil)
        var accepted: Confirmation?
        for scale in ladder {
            let scaled = bounds.map { $0 * scale }
            let drop = PairedDrop(original: original, compressed: try probe.outcomes(bounds: scaled))
            let upper = drop.upperBound(confidence: confidence)
            guard upper <= target else { break }
            accepted = Confirmation(confidence: confidence, drop: drop, upperBound: upper, scale: scale,
                                    searchedBits: searchedBits, confirmedBits: estimatedBits(scaled))
        }
        guard let accepted else {
            throw SZNNError(.targetUnreachable,
                            String(format: "no setting could be confirmed: on the %d held-out validation images the drop's %.0f %% upper bound exceeds %.2f pp even with bounds 8× below the searched ones",
                                   probe.validation.count, confidence * 100, target),
                            hint: "give more validation images, lower --confidence, or raise --target-acc-loss")
        }
        return accepted
    }

    /// The promise in plain words.
    public var summary: String {
        String(format: "with %.0f %% confidence the top-1 drop on unseen images like these is at most %.2f pp (measured %.2f pp on %d held-out validation images: %d lost, %d gained); the promise cost %.1f %% in estimated size (bounds × %.3f)",
               confidence * 100, upperBound, drop.observed, drop.images, drop.lost, drop.gained,
               (confirmedBits / max(searchedBits, 1) - 1) * 100, scale)
    }
}
