import Foundation
import SZNNCore
import Testing

/// The promise holds for an update whatever its base holds: NaN, ±Inf, −0.0, subnormals and
/// 1e30 ranges on either side, in every float dtype, at bounds from 0 to huge.
@Suite("delta coding, adversarial bound property")
struct DeltaBoundPropertyTests {
    @Test("every element of every (base, update) pair keeps its bound, with every backend",
          arguments: AdversarialInput.allCases, BoundTestSupport.floatTypes)
    func boundHolds(input: AdversarialInput, dtype: DType) throws {
        let shape = [16, 30]
        let count = shape.reduce(1, *)
        let backends = try BoundTestSupport.allBackends()
        for (baseKind, seed) in [(AdversarialInput.special, UInt64(7)), (input, UInt64(8)), (.wide, UInt64(9))] {
            let base = try BoundTestSupport.tensor(dtype, shape: shape, bits: baseKind.bits(count: count, dtype: dtype, seed: seed))
            let new = try BoundTestSupport.tensor(dtype, shape: shape, bits: input.bits(count: count, dtype: dtype, seed: seed &+ 100))
            for bound in [1e-6, 1e-3, 0.5, 1e300] {
                let settings = TensorSettings(bounds: try ErrorBounds(uniform: bound))
                for backend in backends.values {
                    let record = try TensorEncoder.encode(new, settings: settings, backend: backend, base: base)
                    #expect(record.storage == .delta)
                    let decoded = try TensorDecoder.decode(record, backends: backends, base: base)
                    let broken = BoundTestSupport.violations(original: new, decoded: decoded, bounds: settings.bounds)
                    #expect(broken.isEmpty, "base \(baseKind.rawValue), \(dtype), bound \(bound), \(backend.identifier.name): \(broken)")
                }
            }
        }
    }
}
