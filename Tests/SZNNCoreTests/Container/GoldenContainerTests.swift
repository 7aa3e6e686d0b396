import Foundation
import SZNNCore
import Testing

/// The committed `.sznn` files of `Tests/Fixtures/sznn` (README.md there) keep decoding to their source.
@Suite("golden .sznn files")
struct GoldenContainerTests {
    /// What one tensor of a golden file must be: nil bound = lossless record.
    struct Expectation: CustomTestStringConvertible {
        let file: String
        let bounds: [String: (mode: ErrorBoundMode, value: Double, predictor: PredictorKind)]
        let backend: BackendIdentifier
        var testDescription: String { file }
    }

    static let expectations = [
        Expectation(file: "model-zstd-abs.sznn", bounds: [
            "fc1.weight": (.absolute, 1e-3, .zero), "fc2.weight": (.absolute, 1e-3, .zero),
            "embedding.weight": (.absolute, 1e-3, .zero), "head.weight": (.absolute, 1e-3, .zero),
        ], backend: .zstd),
        Expectation(file: "model-stored-lorenzo.sznn", bounds: [
            "fc1.weight": (.absolute, 0.01, .lorenzo1D), "fc1.bias": (.absolute, 0.01, .lorenzo1D),
            "fc2.weight": (.absolute, 0.01, .lorenzo1D), "embedding.weight": (.absolute, 0.01, .lorenzo1D),
            "head.weight": (.absolute, 0.01, .lorenzo1D),
        ], backend: .stored),
        Expectation(file: "model-rel-plan.sznn", bounds: [
            "fc1.weight": (.relative, 1e-3, .zero), "fc2.weight": (.absolute, 0.01, .zero),
            "head.weight": (.relative, 1e-3, .lorenzo1D),
        ], backend: .zstd),
        Expectation(file: "model-cabac-abs.sznn", bounds: [
            "fc1.weight": (.absolute, 1e-3, .zero), "fc2.weight": (.absolute, 1e-3, .zero),
            "embedding.weight": (.absolute, 1e-3, .zero), "head.weight": (.absolute, 1e-3, .zero),
        ], backend: .cabac),
        Expectation(file: "model-cabac-lorenzo.sznn", bounds: [
            "fc1.weight": (.absolute, 0.01, .lorenzo1D), "fc1.bias": (.absolute, 0.01, .lorenzo1D),
            "fc2.weight": (.absolute, 0.01, .lorenzo1D), "embedding.weight": (.absolute, 0.01, .lorenzo1D),
            "head.weight": (.absolute, 0.01, .lorenzo1D),
        ], backend: .cabac),
    ]

    @Test("decodes to the source within the recorded bounds", arguments: expectations)
    func decodesToSource(expectation: Expectation) throws {
        let source = try ModelFile.read(from: Fixtures.url("sznn", "model.safetensors"))
        let container = try ContainerDecoder.decode(try Fixtures.data("sznn", expectation.file), fileName: expectation.file)
        let model = try ModelCodec.decompress(container, backends: BoundTestSupport.allBackends())

        #expect(model.metadata == source.metadata)
        #expect(container.metadata["source_name"] as? String == "model.safetensors")
        let sourceBytes = try Fixtures.data("sznn", "model.safetensors")
        // The source the goldens were made from must be the committed one, byte for byte.
        #expect(container.metadata["source_crc32"] as? String
                == String(format: "%08x", sourceBytes.withUnsafeBytes { CRC32.checksum($0) }))
        #expect(model.tensors.map(\.name) == source.tensors.map(\.name))

        for (record, original) in zip(container.records, source.tensors) {
            let decoded = try #require(model[original.name])
            #expect(record.backend == expectation.backend)
            guard let expected = expectation.bounds[original.name] else {
                #expect(record.storage == .lossless, "\(original.name)")
                #expect(decoded == original, "\(original.name) must be bit-exact")
                continue
            }
            let bounds = try ErrorBounds.resolve(mode: expected.mode, value: expected.value, for: original)
            #expect(record.storage == .errorBounded, "\(original.name)")
            #expect(record.bounds == bounds, "\(original.name)")
            #expect(record.predictor == expected.predictor, "\(original.name)")
            let broken = BoundTestSupport.violations(original: original, decoded: decoded, bounds: bounds)
            #expect(broken.isEmpty, "\(original.name): \(broken)")
        }
    }

    @Test("the NaN, ±Inf and −0.0 at the start of fc1.weight come back bit-exact")
    func specialValuesSurvive() throws {
        let source = try ModelFile.read(from: Fixtures.url("sznn", "model.safetensors"))
        let original = try #require(source["fc1.weight"])
        for file in ["model-zstd-abs.sznn", "model-stored-lorenzo.sznn", "model-cabac-abs.sznn", "model-cabac-lorenzo.sznn"] {
            let container = try ContainerDecoder.decode(try Fixtures.data("sznn", file), fileName: file)
            let decoded = try #require(try ModelCodec.decompress(container, backends: BoundTestSupport.allBackends())["fc1.weight"])
            #expect(Array(BoundTestSupport.bits(decoded).prefix(4)) == Array(BoundTestSupport.bits(original).prefix(4)), "\(file)")
        }
    }

    /// The corrupt goldens and the code README.md promises for each.
    static let corruptFiles: [(String, SZNNError.Code)] = [
        ("truncated.sznn", .truncated), ("bitflip.sznn", .checksumMismatch), ("badmagic.sznn", .notSZNN),
        ("version2.sznn", .malformedContainer), ("version3.sznn", .malformedContainer), ("version4.sznn", .unsupportedVersion),
        ("trailing.sznn", .malformedContainer),
        ("unknown-backend.sznn", .unknownBackend),
    ]

    @Test("each corrupt golden fails with its documented code", arguments: corruptFiles)
    func corruptGolden(file: String, code: SZNNError.Code) throws {
        let data = try Fixtures.data("sznn", file)
        let error = #expect(throws: SZNNError.self) {
            let container = try ContainerDecoder.decode(data, fileName: file)
            _ = try ModelCodec.decompress(container, backends: BoundTestSupport.allBackends())
        }
        #expect(error?.code == code)
    }
}
