import Foundation
import SZNNCABAC
import SZNNCore
import SZNNZstd
import Testing

/// The product's promise, tried against adversarial inputs: every reconstructed element is within
/// its bound in the output dtype; NaN, ±Inf, −0.0 and everything under a bound of 0 come back bit-exact.
///
/// Every case goes encoder → container bytes → decoder, with every backend (stored, zstd, cabac), every float dtype and
/// predictor, and chunk sizes small enough that chunk boundaries fall everywhere.
@Suite("error bound property")
struct ErrorBoundPropertyTests {
    /// Uniform bounds from lossless through subnormal and tiny to absurdly large.
    static let uniformBounds: [Double] = [0, 0x1p-1074, 1e-30, 1e-3, 0.25, 1e30, 1e300]
    /// Chunk sizes: 7 crosses rows and specials at odd places; 1 makes every element a chunk start.
    static let chunkSizes = [7, 1, 64, TensorSettings.defaultChunkElements]

    static func backends() throws -> [any EntropyBackend] { [StoredBackend(), try ZstdBackend(), try CABACBackend()] }

    @Test("uniform bounds hold on every input", arguments: BoundTestSupport.floatTypes, PredictorKind.allCases)
    func uniformBoundsHold(dtype: DType, predictor: PredictorKind) throws {
        let shape = [20, 30]
        var caseNumber = 0
        for input in AdversarialInput.allCases {
            let tensor = try BoundTestSupport.tensor(dtype, shape: shape,
                                                     bits: input.bits(count: 600, dtype: dtype, seed: UInt64(caseNumber + 1)))
            for bound in Self.uniformBounds {
                for backend in try Self.backends() {
                    caseNumber += 1
                    let bounds = try ErrorBounds(uniform: bound)
                    let settings = TensorSettings(bounds: bounds, predictor: predictor,
                                                  chunkElements: Self.chunkSizes[caseNumber % Self.chunkSizes.count])
                    let decoded = try BoundTestSupport.roundTrip(tensor, settings: settings, backend: backend)
                    let broken = BoundTestSupport.violations(original: tensor, decoded: decoded, bounds: bounds)
                    #expect(broken.isEmpty, "\(input) bound \(bound) \(backend.identifier.name) chunk \(settings.chunkElements): \(broken)")
                }
            }
        }
    }

    @Test("per-slice bounds hold along every axis, zero slices bit-exact",
          arguments: BoundTestSupport.floatTypes, PredictorKind.allCases)
    func perSliceBounds(dtype: DType, predictor: PredictorKind) throws {
        let shape = [6, 5, 20]
        let count = shape.reduce(1, *)
        let palette: [Double] = [0, 1e-3, 0x1p-1074, 0.1, 1e-30, 1e30, 0, 0.02]
        var caseNumber = 0
        for input in [AdversarialInput.normal, .special, .wide] {
            let tensor = try BoundTestSupport.tensor(dtype, shape: shape, bits: input.bits(count: count, dtype: dtype, seed: 77))
            for axis in shape.indices {
                let values = (0..<shape[axis]).map { palette[($0 + axis) % palette.count] }
                let bounds = try ErrorBounds(axis: axis, values: values, shape: shape)
                for backend in try Self.backends() {
                    caseNumber += 1
                    let settings = TensorSettings(bounds: bounds, predictor: predictor,
                                                  chunkElements: Self.chunkSizes[caseNumber % Self.chunkSizes.count])
                    let decoded = try BoundTestSupport.roundTrip(tensor, settings: settings, backend: backend)
                    let broken = BoundTestSupport.violations(original: tensor, decoded: decoded, bounds: bounds)
                    #expect(broken.isEmpty, "\(input) axis \(axis) \(backend.identifier.name): \(broken)")
                }
            }
        }
    }

    @Test("a bound of 0 is lossless: bit-exact and stored as a lossless record", arguments: BoundTestSupport.floatTypes)
    func zeroBoundIsLossless(dtype: DType) throws {
        for input in AdversarialInput.allCases {
            let tensor = try BoundTestSupport.tensor(dtype, shape: [300], bits: input.bits(count: 300, dtype: dtype, seed: 5))
            for backend in try Self.backends() {
                let settings = TensorSettings(bounds: try ErrorBounds(uniform: 0), predictor: .lorenzo1D, chunkElements: 7)
                let record = try TensorEncoder.encode(tensor, settings: settings, backend: backend)
                #expect(record.storage == .lossless)
                let decoded = try BoundTestSupport.roundTrip(tensor, settings: settings, backend: backend)
                #expect(decoded.bytes == tensor.bytes, "\(input) \(backend.identifier.name)")
            }
        }
    }

    /// Shapes with no elements, one element, or a zero-length axis.
    static let edgeShapes: [[Int]] = [[0], [], [1], [0, 4], [4, 0], [1, 1, 1, 1]]

    @Test("empty tensors, scalars and degenerate shapes round-trip", arguments: edgeShapes)
    func edgeShapesRoundTrip(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        for dtype in BoundTestSupport.floatTypes {
            for special in AdversarialInput.specialBits(dtype) {
                let tensor = try BoundTestSupport.tensor(dtype, shape: shape, bits: Array(repeating: special, count: count))
                for bound in [0, 1e-3, 1e300] {
                    for predictor in PredictorKind.allCases {
                        let bounds = try ErrorBounds(uniform: bound)
                        let settings = TensorSettings(bounds: bounds, predictor: predictor, chunkElements: 7)
                        let decoded = try BoundTestSupport.roundTrip(tensor, settings: settings, backend: StoredBackend())
                        let broken = BoundTestSupport.violations(original: tensor, decoded: decoded, bounds: bounds)
                        #expect(broken.isEmpty, "\(dtype) \(shape) bits \(String(special, radix: 16)) bound \(bound) \(predictor.name): \(broken)")
                    }
                }
            }
        }
    }

    @Test("−0.0 comes back bit-exact even when the prediction is a nearby negative", arguments: BoundTestSupport.floatTypes)
    func negativeZeroAfterNegatives(dtype: DType) throws {
        // Lorenzo predicts −0.25 for the −0.0 after it: within a bound of 0.5, but not −0.0.
        let values: [Double] = [-0.25, -0.0, -0.125, -0.0, 0.0, -0.0, 1, -0.0]
        let tensor = try BoundTestSupport.tensor(dtype, shape: [values.count], values: values)
        for predictor in PredictorKind.allCases {
            let bounds = try ErrorBounds(uniform: 0.5)
            let decoded = try BoundTestSupport.roundTrip(tensor, settings: TensorSettings(bounds: bounds, predictor: predictor),
                                                         backend: StoredBackend())
            let broken = BoundTestSupport.violations(original: tensor, decoded: decoded, bounds: bounds)
            #expect(broken.isEmpty, "\(predictor.name): \(broken)")
        }
    }

    @Test("indices beyond a small radius escape and the bound still holds", arguments: PredictorKind.allCases)
    func smallRadius(predictor: PredictorKind) throws {
        let tensor = try BoundTestSupport.tensor(.float32, shape: [500],
                                                 bits: AdversarialInput.laplace.bits(count: 500, dtype: .float32, seed: 9))
        let bounds = try ErrorBounds(uniform: 1e-3)
        let settings = TensorSettings(bounds: bounds, predictor: predictor, chunkElements: 7, radius: 3)
        let record = try TensorEncoder.encode(tensor, settings: settings, backend: try ZstdBackend())
        #expect(record.radius == 3)
        let decoded = try TensorDecoder.decode(record, backends: BoundTestSupport.allBackends())
        #expect(BoundTestSupport.violations(original: tensor, decoded: decoded, bounds: bounds).isEmpty)
    }

    /// The checker itself must catch a broken bound, or every test above passes vacuously.
    @Test("the violation checker flags an element outside its bound, a changed NaN and a flipped −0.0")
    func checkerCatchesViolations() throws {
        let original = try BoundTestSupport.tensor(.float32, shape: [3], values: [1.0, .nan, -0.0])
        let bounds = try ErrorBounds(uniform: 0.1)
        let shifted = try BoundTestSupport.tensor(.float32, shape: [3], values: [1.2, .nan, -0.0])
        let otherNaN = try BoundTestSupport.tensor(.float32, shape: [3],
                                                   bits: [FloatCodec.bits(of: 1, as: .float32), 0x7FC0_0001, 0x8000_0000])
        let positiveZero = try BoundTestSupport.tensor(.float32, shape: [3], values: [1.0, .nan, 0.0])
        #expect(BoundTestSupport.violations(original: original, decoded: original, bounds: bounds).isEmpty)
        #expect(BoundTestSupport.violations(original: original, decoded: shifted, bounds: bounds).count == 1)
        #expect(BoundTestSupport.violations(original: original, decoded: otherNaN, bounds: bounds).count == 1)
        #expect(BoundTestSupport.violations(original: original, decoded: positiveZero, bounds: bounds).count == 1)
    }
}
