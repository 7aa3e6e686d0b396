import Foundation
import SZNNEngine

/// The closed-form Fisher allocation of bounds: the tuner's initialisation and a baseline.
///
/// A uniform error of bound e has variance e²/3, so to second order the expected loss
/// increase of tensor l is ∝ F_l·e_l² with F_l = Σᵢ E[gᵢ²] (the empirical Fisher diagonal).
/// Minimising Σ n_l·(−log e_l) subject to Σ F_l·e_l² = D gives e_l² ∝ n_l / F_l, i.e.
/// e_l = c / √(mean squared gradient of l); c is then set against the real accuracy.
public enum FisherAllocation {
    /// Relative bounds (up to the global factor c) from `batches` training batches of `batchSize`.
    public static func relativeBounds(network: Network, tensors: [TunedTensor], training: Dataset,
                                      batches: Int = 8, batchSize: Int = 128, seed: UInt64 = 0) throws -> [Double] {
        var generator = RandomGenerator(seed: seed)
        var squares = [Double](repeating: 0, count: tensors.count)
        for _ in 0..<batches {
            let indices = (0..<batchSize).map { _ in generator.nextInt(below: training.count) }
            let batch = training.batch(indices: indices)
            // Per-sample Fisher is costly; the squared batch gradient is its cheap proxy.
            let (_, gradients) = try network.lossAndGradients(images: batch.images, labels: batch.labels)
            for (position, tensor) in tensors.enumerated() {
                squares[position] += gradients[tensor.name]?.reduce(0.0) { $0 + Double($1) * Double($1) } ?? 0
            }
        }
        return zip(tensors, squares).map { tensor, sum in
            let meanSquare = sum / Double(batches * max(tensor.count, 1))
            return meanSquare > 0 ? 1 / meanSquare.squareRoot() : tensor.scale * 1e3
        }
    }
}
