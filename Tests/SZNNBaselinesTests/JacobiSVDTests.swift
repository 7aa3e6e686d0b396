import Foundation
import SZNNCore
import SZNNTestSupport
import Testing
@testable import SZNNBaselines

@Suite("Jacobi SVD")
struct JacobiSVDTests {
    static func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(rows * columns)).map { _ in Float.random(in: -1...1, using: &generator) }
    }

    static func squaredDistance(_ first: [Float], _ second: [Float]) -> Double {
        zip(first, second).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
    }

    @Test("full rank reconstructs a random matrix; truncation error is the tail singular values' energy", arguments: [(9, 6), (5, 11)])
    func reconstruction(shape: (rows: Int, columns: Int)) {
        let values = JacobiSVDTests.randomMatrix(rows: shape.rows, columns: shape.columns, seed: UInt64(shape.rows * 100 + shape.columns))
        let decomposition = JacobiSVD(values: values, rows: shape.rows, columns: shape.columns)
        #expect(decomposition.rank == min(shape.rows, shape.columns))
        #expect(zip(decomposition.singularValues, decomposition.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(JacobiSVDTests.squaredDistance(decomposition.reconstruction(rank: decomposition.rank), values) < 1e-9)
        for kept in [1, 2, 3] {
            let tail = decomposition.singularValues[kept...].reduce(0) { $0 + $1 * $1 }
            let error = JacobiSVDTests.squaredDistance(decomposition.reconstruction(rank: kept), values)
            #expect(abs(error - tail) < 1e-5 * max(tail, 1), "rank \(kept): error \(error), tail \(tail)")
        }
    }

    @Test("singular vectors are orthonormal")
    func orthonormal() {
        let decomposition = JacobiSVD(values: JacobiSVDTests.randomMatrix(rows: 8, columns: 5, seed: 1), rows: 8, columns: 5)
        let rank = decomposition.rank
        for (vectors, length) in [(decomposition.left, 8), (decomposition.right, 5)] {
            for first in 0..<rank {
                for second in 0..<rank {
                    let dot = (0..<length).reduce(0.0) { $0 + vectors[$1 * rank + first] * vectors[$1 * rank + second] }
                    #expect(abs(dot - (first == second ? 1 : 0)) < 1e-9)
                }
            }
        }
    }
}

@Suite("Low-rank method")
struct LowRankMethodTests {
    @Test("the kept rank is the smallest whose dropped tail energy fits the fraction")
    func rankByEnergy() {
        // diag(3, 2, 1): energies 9, 4, 1 of 14.
        let decomposition = JacobiSVD(values: [3, 0, 0, 0, 2, 0, 0, 0, 1], rows: 3, columns: 3)
        #expect(LowRankMethod.rank(of: decomposition, droppedEnergy: 0) == 3)
        #expect(LowRankMethod.rank(of: decomposition, droppedEnergy: 1.0 / 14) == 2)
        #expect(LowRankMethod.rank(of: decomposition, droppedEnergy: 5.0 / 14) == 1)
        #expect(LowRankMethod.rank(of: decomposition, droppedEnergy: 1) == 1)
    }

    @Test("factors and the dense float16 fallback decode to the truncated matrix within float16 rounding")
    func payloadRoundTrip() throws {
        let values = JacobiSVDTests.randomMatrix(rows: 12, columns: 10, seed: 2)
        let decomposition = JacobiSVD(values: values, rows: 12, columns: 10)
        var writer = ByteWriter()
        writer.append(UInt8(1))
        writer.append(UInt32(2))
        try ZstdBlock.append(LowRankMethod.factorBytes(decomposition, kept: 2), to: &writer)
        let decoded = try LowRankMethod.decode(writer.bytes, shape: [12, 10], name: "w")
        let expected = decomposition.reconstruction(rank: 2)
        #expect(zip(decoded, expected).allSatisfy { abs($0 - $1) < 5e-3 })
        #expect(throws: SZNNError.self) { try LowRankMethod.decode([7], shape: [12, 10], name: "w") }
    }
}
