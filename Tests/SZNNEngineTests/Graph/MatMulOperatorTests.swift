import Testing
@testable import SZNNEngine

/// MatMul: numpy semantics (1-D promotion, batched and broadcast batch axes) against a naive
/// product, and gradients (summed over broadcast axes) against finite differences.
@Suite struct MatMulOperatorTests {
    static let shapes: [([Int], [Int], [Int])] = [
        ([3, 4], [4, 5], [3, 5]),
        ([4], [4, 5], [5]),
        ([3, 4], [4], [3]),
        ([4], [4], []),
        ([2, 3, 4], [4, 5], [2, 3, 5]),
        ([2, 2, 3, 4], [2, 2, 4, 3], [2, 2, 3, 3]),
        ([2, 1, 3, 4], [3, 4, 2], [2, 3, 3, 2]),
        ([3, 4], [2, 4, 5], [2, 3, 5]),
        ([4], [2, 4, 3], [2, 3]),
    ]

    /// The naive numpy matmul: promote, broadcast every batch index, sum the inner axis in Double.
    static func naiveProduct(_ a: FloatTensor, _ b: FloatTensor) -> [Float] {
        let left = a.shape.count == 1 ? [1] + a.shape : a.shape
        let right = b.shape.count == 1 ? b.shape + [1] : b.shape
        let (m, k, n) = (left[left.count - 2], left[left.count - 1], right[right.count - 1])
        let rank = max(left.count, right.count) - 2
        let leftBatch = [Int](repeating: 1, count: rank - (left.count - 2)) + left.dropLast(2)
        let rightBatch = [Int](repeating: 1, count: rank - (right.count - 2)) + right.dropLast(2)
        let batch = zip(leftBatch, rightBatch).map { max($0, $1) }
        var result: [Float] = []
        for slice in 0..<batch.reduce(1, *) {
            var remainder = slice, leftSlice = 0, rightSlice = 0, leftScale = 1, rightScale = 1
            for axis in (0..<rank).reversed() {
                let index = remainder % batch[axis]
                remainder /= batch[axis]
                leftSlice += (leftBatch[axis] == 1 ? 0 : index) * leftScale
                rightSlice += (rightBatch[axis] == 1 ? 0 : index) * rightScale
                leftScale *= leftBatch[axis]
                rightScale *= rightBatch[axis]
            }
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for p in 0..<k {
                        sum += Double(a.values[leftSlice * m * k + i * k + p]) * Double(b.values[rightSlice * k * n + p * n + j])
                    }
                    result.append(Float(sum))
                }
            }
        }
        return result
    }

    @Test(arguments: shapes.indices) func forwardFollowsNumpySemantics(_ index: Int) throws {
        let (leftShape, rightShape, outputShape) = Self.shapes[index]
        let a = OperatorGradientChecking.random(leftShape, seed: 1), b = OperatorGradientChecking.random(rightShape, seed: 2)
        let y = try MatMulOperator(testNode("MatMul", inputs: ["a", "b"])).forward([a, b], mode: .inference)[0].floats
        #expect(y.shape == outputShape, "\(leftShape) · \(rightShape)")
        #expect(maximumDifference(y.values, Self.naiveProduct(a.floats, b.floats)) < 1e-5, "\(leftShape) · \(rightShape)")
    }

    @Test(arguments: shapes.indices) func gradientsMatchFiniteDifferences(_ index: Int) throws {
        let (leftShape, rightShape, _) = Self.shapes[index]
        let inputs = [OperatorGradientChecking.random(leftShape, seed: 3), OperatorGradientChecking.random(rightShape, seed: 4)]
        let mismatches = try OperatorGradientChecking.check(MatMulOperator(testNode("MatMul", inputs: ["a", "b"])), inputs: inputs)
        #expect(mismatches.isEmpty, "\(leftShape) · \(rightShape): \(mismatches)")
    }

    @Test func incompatibleShapesAreNamed() throws {
        for (left, right) in [([3, 4], [5, 2]), ([2, 3, 4], [3, 4, 2]), ([Int](), [3])] {
            #expect {
                try MatMulOperator(testNode("MatMul", inputs: ["a", "b"]))
                    .forward([OperatorGradientChecking.random(left, seed: 1), OperatorGradientChecking.random(right, seed: 2)], mode: .inference)
            } throws: { error in
                ((error as? EngineError)?.message ?? "").contains("do not multiply")
            }
        }
    }
}
