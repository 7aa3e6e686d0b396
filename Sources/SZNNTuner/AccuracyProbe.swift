import Foundation
import SZNNCore
import SZNNEngine

/// Measures what a set of bounds really costs: quantize for real, evaluate top-1 on validation.
///
/// Every measurement counts as one "full evaluation" in reports.
public final class AccuracyProbe {
    public let network: Network
    public let validation: Dataset
    public let tensors: [TunedTensor]
    /// Top-1 accuracy of the uncompressed network on validation, in [0, 1].
    public let baselineAccuracy: Double
    /// How many full validation evaluations have been made.
    public private(set) var evaluations = 0

    /// A probe whose drops are measured against `baselineAccuracy`, or against the network's
    /// own validation top-1 when it is nil (compression-aware training passes the accuracy of
    /// the model it started from, so that the target stays relative to what the user had).
    public init(network: Network, validation: Dataset, tensors: [TunedTensor], baselineAccuracy: Double? = nil) throws {
        self.network = network
        self.validation = validation
        self.tensors = tensors
        self.baselineAccuracy = try baselineAccuracy ?? network.accuracy(on: validation)
    }

    /// Validation top-1 with every tuned tensor replaced by its real reconstruction at `bounds`.
    public func accuracy(bounds: [Double]) throws -> Double {
        try apply(bounds: bounds)
        defer { restore() }
        evaluations += 1
        return try network.accuracy(on: validation)
    }

    /// The top-1 drop in percentage points at `bounds`.
    public func drop(bounds: [Double]) throws -> Double {
        (baselineAccuracy - (try accuracy(bounds: bounds))) * 100
    }

    /// The top-1 drop at `bounds` if it is at most `target`; otherwise some value above `target`.
    ///
    /// The evaluation stops as soon as the drop is certain to exceed the target, even if every
    /// image not yet seen were classified right. Most bisection probes that fail do so by far
    /// and are settled on a fraction of the images; the decisions are those of `drop(bounds:)`.
    public func drop(bounds: [Double], decidingAgainst target: Double) throws -> Double {
        try apply(bounds: bounds)
        defer { restore() }
        evaluations += 1
        let total = Double(validation.count)
        let labels = validation.labels
        let lowestDrop = { (predicted: [Int]) -> Double in
            let correct = zip(predicted, labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
            let bestCorrect = Double(correct + labels.count - predicted.count)
            return (self.baselineAccuracy - bestCorrect / total) * 100
        }
        let predicted = try network.predictions(on: validation) { lowestDrop($0) > target }
        return lowestDrop(predicted)
    }

    /// Puts the reconstructions at `bounds` into the network.
    private func apply(bounds: [Double]) throws {
        let tensors = Array(zip(self.tensors, bounds))
        // Reconstructed on all cores (each tensor's quantization is independent), installed in order.
        let reconstructions = try ParallelMap.map(tensors.count) { try tensors[$0].0.reconstructed(bound: tensors[$0].1) }
        for ((tensor, _), values) in zip(tensors, reconstructions) {
            try network.setValues(values, for: tensor.name)
        }
    }

    /// Puts the original weights back.
    private func restore() {
        for tensor in tensors { try? network.setValues(tensor.values, for: tensor.name) }
    }

    /// The largest factor c in [low, high] (geometric bisection, `steps` evaluations) such that
    /// `bounds·c` keeps the drop within `target`; nil if even `low` fails.
    public func largestScale(of bounds: [Double], target: Double, low: Double, high: Double, steps: Int) throws -> (scale: Double, drop: Double)? {
        var feasible: (scale: Double, drop: Double)?
        let lowDrop = try drop(bounds: bounds.map { $0 * low }, decidingAgainst: target)
        guard lowDrop <= target else { return nil }
        feasible = (low, lowDrop)
        var (lower, upper) = (log(low), log(high))
        for _ in 0..<steps {
            let middle = (lower + upper) / 2
            let candidate = try drop(bounds: bounds.map { $0 * exp(middle) }, decidingAgainst: target)
            if candidate <= target {
                feasible = (exp(middle), candidate)
                lower = middle
            } else {
                upper = middle
            }
        }
        return feasible
    }

    /// The largest of `scales` whose `bounds·scale` keeps the drop within `target`, measuring
    /// them from the largest down: after compression-aware training accuracy is not monotone in the scale (the
    /// weights were trained for one set of bounds), so bisection would be wrong.
    public func largestFeasibleScale(of bounds: [Double], target: Double, scales: [Double]) throws -> (scale: Double, drop: Double)? {
        var feasible: (scale: Double, drop: Double)?
        for scale in scales.sorted(by: >) {
            let candidate = try drop(bounds: bounds.map { $0 * scale }, decidingAgainst: target)
            if candidate <= target {
                feasible = (scale, candidate)
                break
            }
        }
        return feasible
    }

    /// Whether each image is classified right with every tuned tensor reconstructed at `bounds`
    /// (nil: the weights as they are): the per-image outcomes a paired drop is counted from.
    public func outcomes(bounds: [Double]?) throws -> [Bool] {
        if let bounds {
            try apply(bounds: bounds)
            evaluations += 1
        }
        defer { if bounds != nil { restore() } }
        return zip(try network.predictions(on: validation), validation.labels).map { $0 == $1 }
    }
}
