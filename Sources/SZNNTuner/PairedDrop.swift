import Foundation

/// The top-1 drop between two models measured on the same images, with a one-sided upper bound.
///
/// Only the images whose outcome flips carry information: `lost` were right and became wrong,
/// `gained` the reverse. Given the m = lost + gained flips, `lost` is Binomial(m, q), and the
/// drop is (2q − 1)·m/n. The bound is exact McNemar-style: the Clopper–Pearson upper limit of q
/// at the confidence level, times the observed flip rate m/n (so with no flip at all it is 0).
public struct PairedDrop: Sendable, Equatable {
    public let images: Int
    public let lost: Int
    public let gained: Int

    /// Counts the flips between per-image outcomes (true: the prediction was right).
    public init(original: [Bool], compressed: [Bool]) {
        images = min(original.count, compressed.count)
        var lost = 0, gained = 0
        for index in 0..<images where original[index] != compressed[index] {
            if original[index] { lost += 1 } else { gained += 1 }
        }
        self.lost = lost
        self.gained = gained
    }

    public init(images: Int, lost: Int, gained: Int) {
        self.images = images
        self.lost = lost
        self.gained = gained
    }

    /// The measured drop in percentage points.
    public var observed: Double {
        images == 0 ? 0 : Double(lost - gained) / Double(images) * 100
    }

    /// The drop (percentage points) that the true one stays below with probability `confidence`.
    public func upperBound(confidence: Double) -> Double {
        let flips = lost + gained
        guard flips > 0, images > 0 else { return 0 }
        let q = PairedDrop.clopperPearsonUpper(successes: lost, trials: flips, confidence: confidence)
        return (2 * q - 1) * Double(flips) / Double(images) * 100
    }

    /// The q with P(X ≤ successes | trials, q) = 1 − confidence (1 when every trial succeeded).
    static func clopperPearsonUpper(successes: Int, trials: Int, confidence: Double) -> Double {
        guard successes < trials else { return 1 }
        let alpha = 1 - confidence
        // The binomial CDF falls as q rises: bisect between the observed rate and 1.
        var (low, high) = (Double(successes) / Double(trials), 1.0)
        for _ in 0..<60 {
            let middle = (low + high) / 2
            if binomialCDF(successes, trials: trials, probability: middle) > alpha { low = middle } else { high = middle }
        }
        return high
    }

    /// P(X ≤ k) for X ~ Binomial(trials, probability), summed in log space (no overflow for large n).
    static func binomialCDF(_ k: Int, trials: Int, probability: Double) -> Double {
        guard probability > 0 else { return 1 }
        guard probability < 1 else { return k >= trials ? 1 : 0 }
        let (logP, logQ) = (log(probability), log1p(-probability))
        // ln C(n, i) built up term by term: ln C(n, i) = ln C(n, i − 1) + ln((n − i + 1) / i).
        var logChoose = 0.0
        var sum = 0.0
        for i in 0...min(k, trials) {
            if i > 0 { logChoose += log(Double(trials - i + 1) / Double(i)) }
            sum += exp(logChoose + Double(i) * logP + Double(trials - i) * logQ)
        }
        return min(1, sum)
    }
}
