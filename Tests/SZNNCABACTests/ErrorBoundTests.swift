import Testing
import SZNNCore
@testable import SZNNCABAC

/// The quantizer's promise through the CABAC backend: |w − ŵ| ≤ bound for every element,
/// with every predictor, uniform and per-slice bounds, and several chunk sizes.
@Suite struct ErrorBoundTests {
    /// Encodes and decodes `tensor` and checks every element against its bound.
    func checkBound(_ tensor: Tensor, settings: TensorSettings) throws {
        let backend = try CABACBackend()
        let record = try TensorEncoder.encode(tensor, settings: settings, backend: backend)
        let decoded = try TensorDecoder.decode(record, backends: [.cabac: backend])
        let original = try #require(tensor.floatValues())
        let restored = try #require(decoded.floatValues())
        let rowLength = tensor.elementCount / max(tensor.shape[0], 1)
        var violations = 0
        for index in original.indices {
            let bound = settings.bounds.axis == 0 ? settings.bounds.values[index / rowLength] : settings.bounds.values[0]
            if !(Double(original[index] - restored[index]).magnitude <= bound) { violations += 1 }
        }
        #expect(violations == 0, "\(settings.predictor.name), shape \(tensor.shape), chunk \(settings.chunkElements)")
    }

    @Test(arguments: PredictorKind.allCases)
    func uniformBound(predictor: PredictorKind) throws {
        for shape in [[64, 50], [8, 4, 3, 3], [1_000], [5, 7, 11]] {
            let tensor = try TestData.laplaceTensor(shape: shape, scale: 0.05, seed: 41)
            for chunkElements in [1 << 20, 300, 7] {
                try checkBound(tensor, settings: TensorSettings(bounds: try ErrorBounds(uniform: 4e-3), predictor: predictor, chunkElements: chunkElements))
            }
        }
    }

    @Test(arguments: PredictorKind.allCases)
    func perSliceBound(predictor: PredictorKind) throws {
        let shape = [16, 2, 5, 5]
        let tensor = try TestData.laplaceTensor(shape: shape, scale: 0.05, seed: 42)
        let values = (0..<16).map { row in row % 4 == 0 ? 0 : 1e-3 * Double(row) }
        let bounds = try ErrorBounds(axis: 0, values: values, shape: shape)
        try checkBound(tensor, settings: TensorSettings(bounds: bounds, predictor: predictor, chunkElements: 100))
    }

    @Test func selectionPrefersZeroOnNoiseAndAPlanePredictorOnSmoothData() throws {
        let backend = try CABACBackend()
        let rate: ([Int32], [Int]) throws -> Double = { indices, shape in backend.estimatedBits(indices: indices, shape: shape) }
        let noise = try TestData.laplaceTensor(shape: [200, 300], scale: 0.02, seed: 43)
        let settings = TensorSettings(bounds: try ErrorBounds(uniform: 1e-3))
        #expect(try PredictorSelection.select(for: noise, settings: settings, rate: rate) == .zero)
        let smooth = try Tensor(name: "ramp", shape: [200, 300], float32: (0..<60_000).map { index in
            Float(index / 300) * 0.01 + Float(index % 300) * 0.003
        })
        let chosen = try PredictorSelection.select(for: smooth, settings: settings, rate: rate)
        #expect(chosen != .zero && chosen != .lorenzo1D, "chose \(chosen.name)")
    }
}

/// Block-regression coefficients travel in the index stream; damaged framing is rejected.
@Suite struct RegressionDataTests {
    @Test func truncatedOrOversizedPredictorDataIsRejected() throws {
        let backend = try CABACBackend()
        let tensor = try TestData.laplaceTensor(shape: [40, 30], scale: 0.05, seed: 44)
        let settings = TensorSettings(bounds: try ErrorBounds(uniform: 1e-3), predictor: .blockRegression)
        let record = try TensorEncoder.encode(tensor, settings: settings, backend: backend)
        // Payload: chunk count (4), one 20-byte table entry, then the index stream whose first
        // 4 bytes are the predictor-data length: 5 × 4 blocks × 12 bytes.
        #expect(record.payload[24..<28].elementsEqual([240, 0, 0, 0]))
        for damagedLength: UInt8 in [239, 255] {
            var damaged = record
            damaged.payload[24] = damagedLength
            #expect(throws: SZNNError.self) { try TensorDecoder.decode(damaged, backends: [.cabac: backend]) }
        }
    }
}
