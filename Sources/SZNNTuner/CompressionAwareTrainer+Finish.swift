import Foundation
import SZNNCore

extension CompressionAwareTrainer {
    /// The scales of the learned bounds `finishScaled` tries, largest first.
    ///
    /// A little above 1 because training's drops were measured on a few hundred steps' worth of
    /// weights and the kept state often has room; far below 1 as the way back when it has none.
    public static let finishingScales = [1.25, 1.12, 1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.35, 0.25, 1.0 / 8, 1.0 / 32, 1.0 / 128]

    /// The finish that makes the target a guarantee: the best state training measured
    /// (`finish`), its bounds scaled by the largest of `finishingScales` whose real drop meets
    /// the target. The network keeps that state's weights.
    ///
    /// Training can lose accuracy that no bound gives back (a small training set the model has
    /// memorised, where steps at the perturbed weights only move it away): then the weights
    /// training started from are put back, with the learned bounds scaled the same way, and
    /// `keptStartingWeights` says so. Nil when not even that meets the target.
    public func finishScaled() throws -> (tensors: [TunedTensor], bounds: [Double], drop: Double, evaluations: Int, keptStartingWeights: Bool)? {
        let learned = try finish()
        var evaluations = 0
        // The learned bounds scaled to the target on the network's current weights, measured with `tensors`.
        let scaled = { (tensors: [TunedTensor]) throws -> (bounds: [Double], drop: Double)? in
            let probe = try AccuracyProbe(network: self.network, validation: self.validation, tensors: tensors, baselineAccuracy: self.baselineAccuracy)
            defer { evaluations += probe.evaluations }
            return try probe.largestFeasibleScale(of: learned.bounds, target: self.options.targetAccuracyLoss,
                                                  scales: CompressionAwareTrainer.finishingScales)
                .map { found in (learned.bounds.map { $0 * found.scale }, found.drop) }
        }
        if let found = try scaled(learned.tensors) { return (learned.tensors, found.bounds, found.drop, evaluations, false) }
        try network.loadParameters(Dictionary(uniqueKeysWithValues: startingTensors.map { ($0.name, ($0.shape, $0.values)) }))
        try tuner.updateWeights(from: network)
        try tuner.remeasureRates(oracle: oracle)
        guard let found = try scaled(tuner.tensors) else { return nil }
        return (tuner.tensors, found.bounds, found.drop, evaluations, true)
    }
}
