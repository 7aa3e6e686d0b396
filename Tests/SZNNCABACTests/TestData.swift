import Foundation
import SZNNCore
import SZNNTestSupport

enum TestData {
    /// A Laplace sample of the given scale.
    static func laplace(count: Int, scale: Double, seed: UInt64) -> [Double] {
        Samples.laplace(count: count, scale: scale, seed: seed)
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
