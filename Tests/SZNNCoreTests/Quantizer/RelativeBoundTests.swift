import Foundation
import SZNNCore
import Testing

/// `--mode rel`: the bound is a fraction of the tensor's value range over its finite elements.
@Suite("relative error bounds")
struct RelativeBoundTests {
    @Test("rel bound = fraction × (max − min) over finite values, ignoring NaN and ±Inf",
          arguments: BoundTestSupport.floatTypes)
    func fractionOfFiniteRange(dtype: DType) throws {
        let tensor = try BoundTestSupport.tensor(dtype, shape: [7], values: [-2, .nan, 0.5, .infinity, 6, -.infinity, 1])
        let bounds = try ErrorBounds.resolve(mode: .relative, value: 0.01, for: tensor)
        #expect(bounds.axis == nil)
        #expect(bounds.values == [0.01 * 8])
        let decoded = try BoundTestSupport.roundTrip(tensor, settings: TensorSettings(bounds: bounds), backend: StoredBackend())
        #expect(BoundTestSupport.violations(original: tensor, decoded: decoded, bounds: bounds).isEmpty)
    }

    @Test("abs mode passes the value through unchanged")
    func absoluteIsIdentity() throws {
        let tensor = try BoundTestSupport.tensor(.float32, shape: [2], values: [-100, 100])
        #expect(try ErrorBounds.resolve(mode: .absolute, value: 0.125, for: tensor).values == [0.125])
    }

    @Test("a tensor without a finite range resolves to bound 0 and is stored losslessly",
          arguments: [[Double.nan, .nan, .nan], [.infinity, -.infinity, .nan], [3.5, 3.5, 3.5], []])
    func noRangeIsLossless(values: [Double]) throws {
        for dtype in BoundTestSupport.floatTypes {
            let tensor = try BoundTestSupport.tensor(dtype, shape: [values.count], values: values)
            let bounds = try ErrorBounds.resolve(mode: .relative, value: 0.5, for: tensor)
            #expect(bounds.values == [0])
            #expect(bounds.isLossless)
            let record = try TensorEncoder.encode(tensor, settings: TensorSettings(bounds: bounds), backend: StoredBackend())
            #expect(record.storage == .lossless)
            let decoded = try TensorDecoder.decode(record, backends: [.stored: StoredBackend()])
            #expect(decoded.bytes == tensor.bytes)
        }
    }

    @Test("a range that overflows Double falls back to lossless rather than an infinite bound")
    func overflowingRange() throws {
        let tensor = try BoundTestSupport.tensor(.float64, shape: [2], values: [-1.7e308, 1.7e308])
        let bounds = try ErrorBounds.resolve(mode: .relative, value: 0.5, for: tensor)
        #expect(bounds.isLossless)
    }

    @Test("integer tensors have no value range, so rel resolves to lossless")
    func integerTensor() throws {
        let tensor = try Tensor(name: "steps", dtype: .int32, shape: [2], bytes: Data([1, 0, 0, 0, 9, 0, 0, 0]))
        #expect(try ErrorBounds.resolve(mode: .relative, value: 0.1, for: tensor).isLossless)
    }
}
