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
    /// the target; nil when not even the smallest does. The network keeps that state's weights.
    public func finishScaled() throws -> (tensors: [TunedTensor], bounds: [Double], drop: Double, evaluations: Int)? {
        let learned = try finish()
        let probe = try AccuracyProbe(network: network, validation: validation, tensors: learned.tensors, baselineAccuracy: baselineAccuracy)
        guard let found = try probe.largestFeasibleScale(of: learned.bounds, target: options.targetAccuracyLoss,
                                                         scales: CompressionAwareTrainer.finishingScales) else { return nil }
        return (learned.tensors, learned.bounds.map { $0 * found.scale }, found.drop, probe.evaluations)
    }
}
