import Foundation
import SZNNCore
import SZNNWorkflow
import Testing

/// `compress` and `decompress` stream safetensors models; what they write is what the in-memory codec writes.
@Suite("CLI streaming")
struct CLIStreamingTests {
    @Test("compress of a safetensors file writes the in-memory codec's bytes, with the source's size and CRC", arguments: ["cabac", "zstd"])
    func compressMatchesInMemory(backend: String) throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let outcome = try harness.run("compress", CLIHarness.model.path, "-o", "m.sznn", "--backend", backend, "--error-bound", "1e-3")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let written = try FileBytes.read(URL(fileURLWithPath: harness.path("m.sznn")))
        var metadata = try ContainerDecoder.decode(written, fileName: "m.sznn").metadata
        let source = try FileBytes.read(CLIHarness.model)
        #expect(metadata["source_bytes"] as? Int == source.count)
        #expect(metadata["source_crc32"] as? String == String(format: "%08x", source.withUnsafeBytes { CRC32.checksum($0) }))
        metadata["model_metadata"] = nil

        let coder = try Backends.make(BackendName(rawValue: backend)!, zstdLevel: 1)
        let plan = CompressionPlan(defaultRule: CompressionPlan.Rule(mode: .absolute, errorBound: 1e-3), losslessBelowElements: 256)
        let container = try ModelCodec.compress(try ModelFile.read(from: CLIHarness.model), plan: plan, backend: coder, metadata: metadata,
                                                choosePredictor: { tensor, settings in
            try PredictorSelection.select(for: tensor, settings: settings, rate: Backends.rateFunction(of: coder))
        })
        #expect(try ContainerEncoder.encode(container) == written)
    }
}
