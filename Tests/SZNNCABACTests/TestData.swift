import Foundation
import SZNNCore

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

enum TestData {
    /// A Laplace sample of the given scale.
    static func laplace(count: Int, scale: Double, seed: UInt64) -> [Double] {
        var generator = SplitMix(state: seed)
        return (0..<count).map { _ in
            let uniform = Double.random(in: -0.5..<0.5, using: &generator)
            return -scale * (uniform < 0 ? -1 : 1) * log(1 - 2 * uniform.magnitude)
        }
    }

    /// Laplace-distributed indices with the given scale in quantization steps.
    static func laplaceIndices(count: Int, scale: Double, seed: UInt64) -> [Int32] {
        laplace(count: count, scale: scale, seed: seed).map { Int32($0.rounded()) }
    }

    /// A float32 tensor of Laplace values.
    static func laplaceTensor(shape: [Int], scale: Double, seed: UInt64) throws -> Tensor {
        let count = shape.reduce(1, *)
        return try Tensor(name: "w", shape: shape, float32: laplace(count: count, scale: scale, seed: seed).map(Float.init))
    }
}
