import Testing
import SZNNCore
@testable import SZNNCABAC

/// The estimator agrees with the coded size within 1 %.
@Suite struct EstimatorTests {
    @Test(arguments: [0.2, 1.0, 5.0, 50.0])
    func indexStreamEstimate(scale: Double) throws {
        let backend = try CABACBackend()
        let indices = TestData.laplaceIndices(count: 50_000, scale: scale, seed: 31)
        let coded = Double(try backend.encode(indices: indices, shape: [250, 200]).count * 8)
        let estimated = backend.estimatedBits(indices: indices, shape: [250, 200])
        #expect(abs(estimated - coded) / coded < 0.01, "scale \(scale): estimated \(estimated), coded \(coded)")
    }

    @Test func tensorEstimate() throws {
        let backend = try CABACBackend()
        let tensor = try TestData.laplaceTensor(shape: [300, 256], scale: 0.02, seed: 32)
        let settings = TensorSettings(bounds: try ErrorBounds(uniform: 5e-3), chunkElements: 20_000)
        let record = try TensorEncoder.encode(tensor, settings: settings, backend: backend)
        let coded = Double(record.payload.count * 8)
        let estimated = try backend.estimatedBits(tensor, settings: settings)
        #expect(abs(estimated - coded) / coded < 0.01, "estimated \(estimated), coded \(coded)")
    }

    @Test func rejectsBadParameters() {
        #expect(throws: SZNNError.self) { try CABACBackend(greaterCount: 16) }
        #expect(throws: SZNNError.self) { try CABACBackend(rateCandidates: []) }
        #expect(throws: SZNNError.self) { try AdaptationRates(fast: 0, slow: 7) }
    }
}
