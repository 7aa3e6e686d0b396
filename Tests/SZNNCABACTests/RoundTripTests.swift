import Testing
import SZNNCore
import SZNNTestSupport
@testable import SZNNCABAC

/// Exact round trips of index streams through every configuration.
@Suite struct RoundTripTests {
    /// The default backend and configurations at the edges of every parameter's range.
    static func backends() throws -> [CABACBackend] {
        [
            try CABACBackend(),
            try CABACBackend(greaterCount: 0, contexts: .previous),
            try CABACBackend(greaterCount: 15, rateCandidates: [AdaptationRates(fast: 1, slow: 14)], contexts: .neighbours),
            try CABACBackend(greaterCount: 3, contexts: .neighbours),
        ]
    }

    func roundTrip(_ indices: [Int32], shape: [Int]) throws {
        for backend in try Self.backends() {
            let payload = try backend.encode(indices: indices, shape: shape)
            let decoded = try payload.withUnsafeBytes { try backend.decode($0, count: indices.count, shape: shape) }
            #expect(decoded == indices, "greaterCount \(backend.greaterCount), contexts \(backend.contexts)")
        }
    }

    @Test func emptyAndSingle() throws {
        try roundTrip([], shape: [0])
        try roundTrip([0], shape: [1])
        try roundTrip([-7], shape: [1])
        try roundTrip([Int32.max], shape: [1, 1])
        try roundTrip([Int32.min], shape: [1])
    }

    @Test func constantStreams() throws {
        try roundTrip([Int32](repeating: 0, count: 10_000), shape: [100, 100])
        try roundTrip([Int32](repeating: 3, count: 5_000), shape: [50, 100])
        try roundTrip([Int32](repeating: -1 << 20, count: 3_000), shape: [3_000])
    }

    @Test func laplaceStreams() throws {
        for (seed, scale) in [(1 as UInt64, 0.3), (2, 2.0), (3, 20.0), (4, 3000.0)] {
            try roundTrip(TestData.laplaceIndices(count: 20_000, scale: scale, seed: seed), shape: [100, 200])
        }
    }

    @Test func extremeMagnitudes() throws {
        var generator = SeededGenerator(seed: 9)
        let extremes: [Int32] = [0, 1, -1, 10, 11, -11, 12, 1 << 20, -(1 << 20), (1 << 20) + 1, Int32.max, Int32.min, Int32.min + 1]
        let indices = (0..<4_000).map { _ in extremes.randomElement(using: &generator) ?? 0 }
        try roundTrip(indices, shape: [40, 100])
        let wide = (0..<4_000).map { _ in Int32.random(in: Int32.min...Int32.max, using: &generator) }
        try roundTrip(wide, shape: [4_000])
    }

    @Test func shapesThatDoNotFitTheStream() throws {
        let indices = TestData.laplaceIndices(count: 999, scale: 1.5, seed: 5)
        try roundTrip(indices, shape: [])
        try roundTrip(indices, shape: [7, 1000])
        try roundTrip(indices, shape: [999, 1])
    }

    @Test func losslessBytes() throws {
        let backend = try CABACBackend()
        var generator = SeededGenerator(seed: 11)
        let inputs: [[UInt8]] = [
            [], [42], [UInt8](repeating: 7, count: 5_000),
            (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &generator) },
            TestData.laplace(count: 2_000, scale: 0.02, seed: 6).flatMap { value -> [UInt8] in
                withUnsafeBytes(of: Float(value).bitPattern.littleEndian, Array.init)
            },
        ]
        for input in inputs {
            let payload = try input.withUnsafeBytes { try backend.encodeLossless($0) }
            #expect(payload.count <= input.count + 1)
            let decoded = try payload.withUnsafeBytes { try backend.decodeLossless($0, byteCount: input.count) }
            #expect(decoded == input)
        }
    }
}
