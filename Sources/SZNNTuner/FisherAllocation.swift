import Foundation
import SZNNEngine

/// The closed-form Fisher allocation of bounds: the tuner's initialisation and a baseline.
///
/// A uniform error of bound e has variance e²/3, so to second order the expected loss
/// increase of a group of weights is ∝ Σᵢ E[gᵢ²]·e² (the empirical Fisher diagonal).
/// Minimising the rate Σ n·(−log e) under a budget on that sum gives e² ∝ n / Σᵢ E[gᵢ²],
/// i.e. e ∝ 1/√(mean squared gradient of the group) — for a whole tensor, or for each slice
/// (input column, output channel) of it. The global factor is then set against the real accuracy.
public enum FisherAllocation {
    /// Σ over `batches` random training batches of the squared gradient, per element of each named tensor.
    public static func squaredGradients(network: Network, names: [String], training: Dataset,
                                        batches: Int = 16, batchSize: Int = 128, seed: UInt64 = 0) throws -> [String: [Double]] {
        var generator = RandomGenerator(seed: seed)
        var squares: [String: [Double]] = [:]
        for _ in 0..<batches {
            let batch = training.batch(indices: (0..<batchSize).map { _ in generator.nextInt(below: training.count) })
            // Per-sample Fisher is costly; the squared batch gradient is its cheap proxy.
            let (_, gradients) = try network.lossAndGradients(images: batch.images, labels: batch.labels)
            for name in names {
                guard let gradient = gradients[name] else { continue }
                var sum = squares[name] ?? [Double](repeating: 0, count: gradient.count)
                for index in gradient.indices { sum[index] += Double(gradient[index]) * Double(gradient[index]) }
                squares[name] = sum
            }
        }
        return squares
    }

    /// The slice axis the tuner gives its own bounds: input columns of a dense weight
    /// (rank 2), output channels of a convolution kernel (rank 4); none otherwise.
    public static func sliceAxis(shape: [Int]) -> Int? {
        switch shape.count {
        case 2: 1
        case 4: 0
        default: nil
        }
    }

    /// Relative per-slice bounds along `axis` (geometric mean 1, clamped to [2^-6, 2^8]):
    /// slices whose gradients vanish — input pixels that are always 0 — get the largest.
    public static func sliceFactors(squares: [Double], shape: [Int], axis: Int) -> [Double] {
        let sliceCount = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var sums = [Double](repeating: 0, count: sliceCount)
        var counts = [Int](repeating: 0, count: sliceCount)
        for (index, square) in squares.enumerated() {
            let slice = (index / inner) % sliceCount
            sums[slice] += square
            counts[slice] += 1
        }
        let means = zip(sums, counts).map { $0 / Double(max($1, 1)) }
        let floor = (means.reduce(0, +) / Double(max(sliceCount, 1))) * 1e-6 + 1e-30
        let raw = means.map { 1 / ($0 + floor).squareRoot() }
        let logMean = raw.reduce(0) { $0 + log($1) } / Double(max(raw.count, 1))
        return raw.map { min(max($0 / exp(logMean), 1.0 / 64), 256) }
    }

    /// Relative bounds per tensor (up to the global factor): e ∝ 1/√(Σᵢ gᵢ² fᵢ² / n), where fᵢ
    /// is the element's slice factor (1 without slices).
    public static func relativeBounds(tensors: [TunedTensor], squares: [String: [Double]]) -> [Double] {
        tensors.map { tensor in
            guard let tensorSquares = squares[tensor.name], !tensorSquares.isEmpty else { return tensor.scale }
            var weighted = 0.0
            for index in tensorSquares.indices {
                let factor = tensor.elementFactors.isEmpty ? 1 : Double(tensor.elementFactors[index])
                weighted += tensorSquares[index] * factor * factor
            }
            let meanSquare = weighted / Double(tensorSquares.count)
            return meanSquare > 0 ? 1 / meanSquare.squareRoot() : tensor.scale * 1e3
        }
    }
}
