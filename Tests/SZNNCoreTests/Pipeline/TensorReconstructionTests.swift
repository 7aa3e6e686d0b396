import Foundation
import SZNNCore
import SZNNTestSupport
import Testing

/// `TensorEncoder.reconstruction` (the tuner's one-pass path) gives, bit for bit, what encoding
/// to a container and decoding it gives: on every adversarial input (NaN payloads, ±Inf, ±0,
/// subnormals, huge next to tiny), every predictor, uniform and per-slice bounds, small radii that
/// force escapes, and chunk sizes that put chunk starts everywhere.
@Suite("one-pass reconstruction")
struct TensorReconstructionTests {
    static let shapes: [[Int]] = [[600], [20, 30], [4, 3, 5, 10]]
    static let bounds: [Double] = [0, 0x1p-1074, 1e-30, 1e-4, 1e-2, 0.25, 1e30]

    /// The full path: TensorEncoder → container bytes → ContainerDecoder → TensorDecoder.
    static func fullRoundTrip(_ values: [Float], shape: [Int], settings: TensorSettings) throws -> [Float] {
        let tensor = try Tensor(name: "t", shape: shape, float32: values)
        let decoded = try BoundTestSupport.roundTrip(tensor, settings: settings, backend: StoredBackend())
        return try #require(decoded.floatValues())
    }

    static func values(_ input: AdversarialInput, seed: UInt64) -> [Float] {
        input.bits(count: 600, dtype: .float32, seed: seed).map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
    }

    @Test("uniform bounds: equal to the full round trip", arguments: PredictorKind.allCases)
    func uniformBoundsEqualRoundTrip(predictor: PredictorKind) throws {
        var caseNumber = 0
        for input in AdversarialInput.allCases {
            for shape in Self.shapes {
                caseNumber += 1
                let values = Self.values(input, seed: UInt64(caseNumber))
                for bound in Self.bounds {
                    caseNumber += 1
                    let settings = TensorSettings(bounds: try ErrorBounds(uniform: bound), predictor: predictor,
                                                  chunkElements: [7, 1, 64, 1 << 20][caseNumber % 4],
                                                  radius: caseNumber % 3 == 0 ? 3 : LinearQuantizer.defaultRadius)
                    let fast = try TensorEncoder.reconstruction(of: values, shape: shape, settings: settings)
                    let full = try Self.fullRoundTrip(values, shape: shape, settings: settings)
                    #expect(fast.map(\.bitPattern) == full.map(\.bitPattern),
                            "\(input) \(shape) bound \(bound) chunk \(settings.chunkElements) radius \(settings.radius)")
                }
            }
        }
    }

    @Test("per-slice bounds: equal to the full round trip", arguments: PredictorKind.allCases)
    func sliceBoundsEqualRoundTrip(predictor: PredictorKind) throws {
        let shape = [20, 30]
        var generator = SeededGenerator(seed: 77)
        for (number, input) in AdversarialInput.allCases.enumerated() {
            let values = Self.values(input, seed: UInt64(100 + number))
            for axis in 0..<2 {
                let slices = (0..<shape[axis]).map { _ in [0, 1e-4, 1e-2, 0.3][Int(generator.next() % 4)] }
                let settings = TensorSettings(bounds: try ErrorBounds(axis: axis, values: slices, shape: shape), predictor: predictor,
                                              chunkElements: 90)
                let fast = try TensorEncoder.reconstruction(of: values, shape: shape, settings: settings)
                let full = try Self.fullRoundTrip(values, shape: shape, settings: settings)
                #expect(fast.map(\.bitPattern) == full.map(\.bitPattern), "\(input) axis \(axis)")
            }
        }
    }

    @Test("random tensors of many sizes: equal to the full round trip")
    func randomTensorsEqualRoundTrip() throws {
        var generator = SeededGenerator(seed: 2026)
        for trial in 0..<40 {
            let rows = 1 + Int(generator.next() % 40), columns = 1 + Int(generator.next() % 70)
            let scale = [1e-3, 0.05, 3.0][trial % 3]
            let values = Samples.laplace(count: rows * columns, scale: scale, seed: UInt64(trial)).map(Float.init)
            let bound = scale * [0.01, 0.3, 2][Int(generator.next() % 3)]
            let predictor = PredictorKind.allCases[trial % PredictorKind.allCases.count]
            let settings = TensorSettings(bounds: try ErrorBounds(uniform: bound), predictor: predictor,
                                          chunkElements: 1 + Int(generator.next() % 500))
            let fast = try TensorEncoder.reconstruction(of: values, shape: [rows, columns], settings: settings)
            let full = try Self.fullRoundTrip(values, shape: [rows, columns], settings: settings)
            #expect(fast.map(\.bitPattern) == full.map(\.bitPattern), "trial \(trial)")
        }
    }

    /// Regression: `floatValues()` went through Double and quieted signalling NaNs (0x7F801234
    /// came back as 0x7FC01234), so the tuner's old round trip changed NaN payloads.
    @Test("floatValues of a float32 tensor keeps every bit pattern, signalling NaNs included")
    func floatValuesAreBitExact() throws {
        let patterns: [UInt32] = [0x7F80_1234, 0xFF80_0001, 0x7FC0_0000, 0x8000_0000, 0x0000_0001, 0x7F80_0000, 0x3F80_0000]
        let tensor = try Tensor(name: "t", shape: [patterns.count], float32: patterns.map(Float.init(bitPattern:)))
        #expect(try #require(tensor.floatValues()).map(\.bitPattern) == patterns)
    }

    @Test("values that do not fill the shape are rejected")
    func mismatchedShapeIsRejected() throws {
        let settings = TensorSettings(bounds: try ErrorBounds(uniform: 1e-3))
        #expect(throws: SZNNError.self) { try TensorEncoder.reconstruction(of: [1, 2, 3], shape: [2, 2], settings: settings) }
        #expect(throws: SZNNError.self) {
            try TensorEncoder.reconstruction(of: [1, 2, 3, 4], shape: [2, 2],
                                             settings: TensorSettings(bounds: try ErrorBounds(axis: 0, values: [1, 2, 3], shape: [3, 1])))
        }
    }
}
