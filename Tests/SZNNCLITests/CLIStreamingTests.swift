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

    @Test("decompress --max-shard-size writes shards and an index that compress reads back as the same model")
    func shardedRoundTrip() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        #expect(try harness.run("compress", CLIHarness.model.path, "-o", "m.sznn", "--backend", "zstd").status == 0)
        #expect(try harness.run("decompress", "m.sznn", "-o", "whole.safetensors").status == 0)
        let sharded = try harness.run("decompress", "m.sznn", "-o", "model.safetensors", "--max-shard-size", "2K")
        #expect(sharded.status == 0, "\(sharded.standardError)")
        let shards = harness.contents().filter { $0.hasPrefix("model-") }
        #expect(shards.count > 1 && shards.allSatisfy { $0.hasSuffix("-of-\(String(format: "%05d", shards.count)).safetensors") }, "\(shards)")
        let index = try #require(try JSONSerialization.jsonObject(with: FileBytes.read(URL(fileURLWithPath: harness.path("model.safetensors.index.json")))) as? [String: Any])
        let weightMap = try #require(index["weight_map"] as? [String: String])
        let whole = try ModelFile.read(from: URL(fileURLWithPath: harness.path("whole.safetensors")))
        #expect(Set(weightMap.keys) == Set(whole.tensors.map(\.name)) && Set(weightMap.values) == Set(shards))
        #expect((index["metadata"] as? [String: Any])?["total_size"] as? Int == whole.tensors.reduce(0) { $0 + $1.bytes.count })

        // The shards as input: one model, in the index's order, the same tensors as the whole file.
        #expect(try harness.run("compress", "model.safetensors.index.json", "--backend", "zstd", "--error-bound", "0").status == 0)
        #expect(try harness.run("decompress", "model.sznn", "-o", "again.safetensors").status == 0)
        #expect(try FileBytes.read(URL(fileURLWithPath: harness.path("again.safetensors"))) == FileBytes.read(URL(fileURLWithPath: harness.path("whole.safetensors"))))
    }

    @Test("an index naming a missing shard is E201, one mapping a tensor elsewhere E202; neither leaves output")
    func badIndexFails() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        #expect(try harness.run("compress", CLIHarness.model.path, "-o", "m.sznn").status == 0)
        #expect(try harness.run("decompress", "m.sznn", "-o", "model.safetensors", "--max-shard-size", "2K").status == 0)
        let indexURL = URL(fileURLWithPath: harness.path("model.safetensors.index.json"))
        let index = String(decoding: try FileBytes.read(indexURL), as: UTF8.self)
        try Data(index.replacingOccurrences(of: "model-00001-of", with: "absent-00001-of").utf8).write(to: indexURL)
        let missing = try harness.run("compress", "model.safetensors.index.json", "-o", "x.sznn")
        #expect(missing.errorLines.first?.hasPrefix("error E201") == true, "\(missing.standardError)")
        try Data(index.replacingOccurrences(of: "model-00001-of", with: "model-00002-of").utf8).write(to: indexURL)
        let moved = try harness.run("compress", "model.safetensors.index.json", "-o", "x.sznn")
        #expect(moved.errorLines.first?.hasPrefix("error E202") == true, "\(moved.standardError)")
        #expect(!harness.exists("x.sznn"))
    }

    @Test("decompress of a truncated .sznn is E303 and leaves no safetensors, shard or temporary")
    func truncatedDecompressLeavesNothing() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        #expect(try harness.run("compress", CLIHarness.model.path, "-o", "m.sznn").status == 0)
        let bytes = try FileBytes.read(URL(fileURLWithPath: harness.path("m.sznn")))
        try bytes.prefix(bytes.count - 7).write(to: URL(fileURLWithPath: harness.path("cut.sznn")))
        for extra in [[], ["--max-shard-size", "2K"]] {
            let outcome = try harness.run(["decompress", "cut.sznn", "-o", "r.safetensors"] + extra)
            #expect(outcome.status == 1 && outcome.errorLines.first?.hasPrefix("error E303") == true, "\(outcome.standardError)")
        }
        #expect(harness.contents() == ["cut.sznn", "m.sznn"])
    }

    @Test("a sharded decompress that fails on a late record leaves the earlier shards and index as they were")
    func failedShardedDecompressKeepsTheOldSet() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        #expect(try harness.run("compress", CLIHarness.model.path, "-o", "m.sznn", "--backend", "zstd").status == 0)
        #expect(try harness.run("decompress", "m.sznn", "-o", "model.safetensors", "--max-shard-size", "2K").status == 0)
        let before = try harness.contents().map { ($0, try FileBytes.read(URL(fileURLWithPath: harness.path($0)))) }
        var bytes = try FileBytes.read(URL(fileURLWithPath: harness.path("m.sznn")))
        bytes[bytes.count - 3] ^= 0x40  // inside the last record's payload: found only when the last shard is decoded
        try bytes.write(to: URL(fileURLWithPath: harness.path("m.sznn")))
        let failed = try harness.run("decompress", "m.sznn", "-o", "model.safetensors", "--max-shard-size", "2K")
        #expect(failed.status == 1, "\(failed.standardError)")
        let after = try harness.contents().filter { $0 != "m.sznn" }.map { ($0, try FileBytes.read(URL(fileURLWithPath: harness.path($0)))) }
        #expect(after.map(\.0) == before.map(\.0).filter { $0 != "m.sznn" } && after.map(\.1) == before.filter { $0.0 != "m.sznn" }.map(\.1))
    }
}
