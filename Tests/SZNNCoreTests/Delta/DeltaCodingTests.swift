import Foundation
import SZNNCore
import SZNNTestSupport
import Testing

/// Updates coded against a base (FORMAT.md version 3): the bound holds for the new weights,
/// and only the right base decodes them.
@Suite("delta coding")
struct DeltaCodingTests {
    static let bound = 1e-3

    /// Every tensor of `decoded` keeps its record's bound for `original`, by `ErrorBoundCheck` (what `verify` applies).
    static func expectBoundsHeld(_ original: Model, _ decoded: Model, _ container: Container) {
        for record in container.records {
            guard let left = original[record.name], let right = decoded[record.name] else {
                Issue.record("tensor '\(record.name)' is missing")
                continue
            }
            let bounds = (try? record.bounds ?? ErrorBounds(uniform: 0)) ?? nil
            #expect(bounds.map { BoundTestSupport.violations(original: left, decoded: right, bounds: $0) } == [], "\(record.name)")
        }
    }

    @Test("an update decodes within its bound against its base, with every backend")
    func roundTrip() throws {
        let base = try DeltaTestSupport.base()
        let update = try DeltaTestSupport.update(of: base, scale: 1e-3, seed: 10)
        for backend in try BoundTestSupport.allBackends().values {
            let (bytes, container) = try DeltaTestSupport.code(update, base: base, bound: Self.bound, backend: backend)
            #expect(bytes[4] == 3 && bytes[5] == 0, "written as version 3")
            #expect(container.records.map(\.storage) == [.delta, .delta, .delta, .lossless], "the 10-element bias is lossless, so standalone")
            #expect(container.base == BaseReference(covering: Array(base.tensors.prefix(3))))
            let decoded = try ModelCodec.decompress(container, backends: try BoundTestSupport.allBackends(), base: base)
            Self.expectBoundsHeld(update, decoded, container)
        }
    }

    @Test("a small update costs less against its base than standalone")
    func deltaIsSmaller() throws {
        let base = try DeltaTestSupport.base()
        let update = try DeltaTestSupport.update(of: base, scale: 1e-3, seed: 11)
        let backend = try #require(try BoundTestSupport.allBackends()[.cabac])
        let delta = try DeltaTestSupport.code(update, base: base, bound: Self.bound, backend: backend).bytes.count
        let standalone = try DeltaTestSupport.code(update, base: nil, bound: Self.bound, backend: backend).bytes.count
        #expect(delta * 2 < standalone, "delta \(delta) bytes, standalone \(standalone)")
    }

    @Test("a tensor that changed wholesale is coded standalone when that is smaller, and the file still decodes within its bounds")
    func standaloneFallback() throws {
        let base = try DeltaTestSupport.base()
        var tensors = try DeltaTestSupport.update(of: base, scale: 1e-3, seed: 12).tensors
        // A re-initialised layer: new values of the same shape, as far from the base as from zero.
        tensors[0] = try DeltaTestSupport.tensor("fc1.weight", shape: [64, 100], seed: 99)
        let update = Model(tensors: tensors)
        let backend = try #require(try BoundTestSupport.allBackends()[.cabac])
        let plan = DeltaTestSupport.plan(Self.bound)
        let fallback = try ModelCodec.compress(update, plan: plan, backend: backend, base: base)
        let deltasOnly = try ModelCodec.compress(update, plan: plan, backend: backend, base: base, standaloneFallback: false)
        #expect(fallback.records[0].storage != .delta && fallback.records[1].storage == .delta && fallback.records[2].storage == .delta)
        #expect(deltasOnly.records[0].storage == .delta)
        let (fallbackBytes, deltaBytes) = (try ContainerEncoder.encode(fallback), try ContainerEncoder.encode(deltasOnly))
        #expect(fallbackBytes.count < deltaBytes.count, "with the fallback \(fallbackBytes.count) bytes, deltas only \(deltaBytes.count)")
        #expect(fallback.base == BaseReference(covering: [base.tensors[1], base.tensors[2]]), "the digest covers the tensors still coded as deltas")
        let decoded = try ModelCodec.decompress(try ContainerDecoder.decode(fallbackBytes, fileName: "update.sznn"),
                                                backends: try BoundTestSupport.allBackends(), base: base)
        Self.expectBoundsHeld(update, decoded, fallback)
    }

    @Test("no base is E701, another base E702, a base lacking a used tensor E702")
    func wrongOrMissingBase() throws {
        let base = try DeltaTestSupport.base()
        let update = try DeltaTestSupport.update(of: base, scale: 1e-3, seed: 12)
        let (_, container) = try DeltaTestSupport.code(update, base: base, bound: Self.bound, backend: StoredBackend())
        let backends = try BoundTestSupport.allBackends()
        #expect(Self.code(of: { try ModelCodec.decompress(container, backends: backends) }) == .baseMissing)
        // One bit of one used tensor differs: the digest refuses it.
        var other = base
        var bytes = other.tensors[1].bytes
        bytes[0] ^= 1
        other.tensors[1].bytes = bytes
        let codes = [other, Model(tensors: Array(base.tensors.dropFirst())), update].map { candidate in
            Self.code(of: { try ModelCodec.decompress(container, backends: backends, base: candidate) })
        }
        #expect(codes == [.baseMismatch, .baseMismatch, .baseMismatch])
    }

    @Test("tensors added, removed, reshaped or of another dtype are coded standalone; unused base tensors may differ")
    func standaloneTensors() throws {
        let base = try DeltaTestSupport.base()
        var update = try DeltaTestSupport.update(of: base, scale: 1e-3, seed: 13)
        update.tensors.removeAll { $0.name == "fc2.weight" }
        update.tensors.append(try DeltaTestSupport.tensor("fc3.weight", shape: [10, 10], seed: 20))
        update.tensors[1] = try DeltaTestSupport.tensor("conv.weight", shape: [8, 4, 9], seed: 21)
        let doubled = try DeltaTestSupport.tensor("fc1.weight", shape: [64, 100], seed: 22)
        let asDouble = try BoundTestSupport.tensor(.float64, shape: doubled.shape,
                                                    values: try DeltaTestSupport.requireValues(doubled).map(Double.init), name: "fc1.weight")
        update.tensors.append(try DeltaTestSupport.nudged(base.tensors[0], scale: 1e-3, seed: 23))
        update.tensors[0] = asDouble
        update.tensors[update.tensors.count - 1].name = "fc1.copy"
        // fc1.weight is float64 against a float32 base, conv.weight reshaped, fc3.weight new: all standalone.
        let (_, container) = try DeltaTestSupport.code(update, base: base, bound: Self.bound, backend: StoredBackend())
        let storage = Dictionary(uniqueKeysWithValues: container.records.map { ($0.name, $0.storage) })
        #expect(storage == ["fc1.weight": .errorBounded, "conv.weight": .errorBounded, "fc2.bias": .lossless,
                            "fc3.weight": .errorBounded, "fc1.copy": .errorBounded])
        // Nothing in the update matches the base by name, dtype and shape, so it is a standalone v1 file, as without a base.
        let (plain, _) = try DeltaTestSupport.code(update, base: nil, bound: Self.bound, backend: StoredBackend())
        let (withBase, _) = try DeltaTestSupport.code(update, base: base, bound: Self.bound, backend: StoredBackend())
        #expect(withBase == plain && plain[4] == 1)

        // One delta among standalone tensors: the digest covers only it, so the rest of the base may change.
        update.tensors.append(try DeltaTestSupport.nudged(base.tensors[2], scale: 1e-3, seed: 24))
        let (_, mixed) = try DeltaTestSupport.code(update, base: base, bound: Self.bound, backend: StoredBackend())
        #expect(mixed.records.filter { $0.storage == .delta }.map(\.name) == ["fc2.weight"])
        var changed = base
        changed.tensors[0] = try DeltaTestSupport.tensor("fc1.weight", shape: [64, 100], seed: 99)
        let decoded = try ModelCodec.decompress(mixed, backends: try BoundTestSupport.allBackends(), base: changed)
        Self.expectBoundsHeld(update, decoded, mixed)
    }

    @Test("a tensor unchanged from its base costs a few dozen bytes")
    func unchangedTensorCost() throws {
        let base = try DeltaTestSupport.base()
        var update = base
        update.tensors[0] = try DeltaTestSupport.nudged(base.tensors[0], scale: 1e-3, seed: 14)
        let backends = try BoundTestSupport.allBackends()
        for identifier in [BackendIdentifier.cabac, .zstd] {
            let backend = try #require(backends[identifier])
            let (_, container) = try DeltaTestSupport.code(update, base: base, bound: Self.bound, backend: backend)
            // fc2.weight: 640 elements identical to the base; its payload is the chunk table and an all-zero index stream.
            let unchanged = try #require(container.records.first { $0.name == "fc2.weight" })
            #expect(unchanged.storage == .delta)
            // Measured: 35 bytes with CABAC, 44 with zstd, beside a ~60-byte record header: a record
            // kind of its own for "unchanged" would save too little to be worth a format case.
            #expect(unchanged.payload.count <= 48, "\(identifier.name): \(unchanged.payload.count) payload bytes")
            let decoded = try ModelCodec.decompress(container, backends: backends, base: base)
            #expect(decoded["fc2.weight"] == base["fc2.weight"], "unchanged elements come back bit for bit")
        }
    }

    @Test("a chain base → update₁ → update₂ decodes, each file within its own bound")
    func chain() throws {
        let base = try DeltaTestSupport.base()
        let first = try DeltaTestSupport.update(of: base, scale: 1e-3, seed: 15)
        let second = try DeltaTestSupport.update(of: first, scale: 1e-3, seed: 16)
        let backends = try BoundTestSupport.allBackends()
        let backend = try #require(backends[.cabac])
        let (_, firstFile) = try DeltaTestSupport.code(first, base: base, bound: Self.bound, backend: backend)
        let firstDecoded = try ModelCodec.decompress(firstFile, backends: backends, base: base)
        // update₂ is coded against what update₁ decodes to, as `--base base --base update1.sznn` does.
        let (_, secondFile) = try DeltaTestSupport.code(second, base: firstDecoded, bound: Self.bound, backend: backend)
        let secondDecoded = try ModelCodec.decompress(secondFile, backends: backends, base: firstDecoded)
        Self.expectBoundsHeld(first, firstDecoded, firstFile)
        Self.expectBoundsHeld(second, secondDecoded, secondFile)
        // Coding update₂ from scratch holds the same bound: the chain gives nothing away.
        let (_, scratch) = try DeltaTestSupport.code(second, base: nil, bound: Self.bound, backend: backend)
        Self.expectBoundsHeld(second, try ModelCodec.decompress(scratch, backends: backends), scratch)
        // update₂ against the original base (skipping update₁) is refused.
        #expect(Self.code(of: { try ModelCodec.decompress(secondFile, backends: backends, base: base) }) == .baseMismatch)
    }

    /// The code `body` fails with (nil if it succeeds or throws something else).
    static func code(of body: () throws -> Model) -> SZNNError.Code? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? SZNNError)?.code
        }
    }
}
