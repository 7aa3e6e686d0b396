import Foundation

/// Bisection over one monotone knob: larger values compress more and lose more accuracy.
///
/// Measurements are cached by knob value, so searches at several targets over the same
/// bracket share their first midpoints.
final class KnobSearch {
    let low: Double
    let high: Double
    let steps: Int
    /// Bisect ln(knob) instead of the knob (for bounds spanning octaves).
    let logarithmic: Bool
    private var measured: [Double: Candidate] = [:]

    init(low: Double, high: Double, steps: Int, logarithmic: Bool) {
        self.low = low
        self.high = high
        self.steps = steps
        self.logarithmic = logarithmic
    }

    /// The feasible candidate with the largest knob (`low` when even that misses the target).
    func largestFeasible(target: Double, baseline: Double, measure: (Double) throws -> Candidate) throws -> Candidate {
        let feasible = { (candidate: Candidate) in (baseline - candidate.validationAccuracy) * 100 <= target + 1e-9 }
        let lowest = try cached(low, measure)
        guard feasible(lowest) else { return lowest }
        let highest = try cached(high, measure)
        if feasible(highest) { return highest }
        var best = lowest
        var (lower, upper) = logarithmic ? (log(low), log(high)) : (low, high)
        for _ in 0..<steps {
            let middle = (lower + upper) / 2
            let candidate = try cached(logarithmic ? exp(middle) : middle, measure)
            if feasible(candidate) {
                best = candidate
                lower = middle
            } else {
                upper = middle
            }
        }
        return best
    }

    private func cached(_ knob: Double, _ measure: (Double) throws -> Candidate) throws -> Candidate {
        if let known = measured[knob] { return known }
        let candidate = try measure(knob)
        measured[knob] = candidate
        return candidate
    }
}
