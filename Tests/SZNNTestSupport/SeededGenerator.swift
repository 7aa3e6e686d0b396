import Foundation

/// A seeded SplitMix64 generator, shared by the tests and benchmarks so every run sees the same data.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Seeded samples of the distributions trained weights resemble.
public enum Samples {
    /// `count` Laplace(0, scale) values (inverse-CDF sampling).
    public static func laplace(count: Int, scale: Double, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let uniform = Double.random(in: -0.5..<0.5, using: &generator)
            return -scale * (uniform < 0 ? -1 : 1) * log(1 - 2 * uniform.magnitude)
        }
    }
}
