import Foundation
import Testing

/// `sz-nn compress | inspect | verify | decompress` on the fixture model, run as a real process.
@Suite("CLI end to end")
struct CLIRoundTripTests {
    @Test("compress, inspect, verify and decompress round-trip within the bound", arguments: ["zstd", "stored"])
    func roundTrip(backend: String) throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let model = CLIHarness.model.path

        let compressed = try harness.run("compress", model, "-o", "m.sznn", "--error-bound", "1e-3", "--backend", backend)
        #expect(compressed.status == 0, "\(compressed.standardError)")
        #expect(compressed.standardOutput.contains("wrote m.sznn"))

        let inspected = try harness.run("inspect", "m.sznn")
        #expect(inspected.status == 0)
        for name in ["fc1.weight", "fc1.bias", "fc2.weight", "embedding.weight", "head.weight", "steps"] {
            #expect(inspected.standardOutput.contains(name), "inspect lists \(name)")
        }

        let verified = try harness.run("verify", model, "m.sznn")
        #expect(verified.status == 0, "\(verified.standardError)")
        #expect(verified.standardOutput.contains("bound held"))

        let decompressed = try harness.run("decompress", "m.sznn", "-o", "r.safetensors")
        #expect(decompressed.status == 0, "\(decompressed.standardError)")
        #expect(harness.exists("r.safetensors"))

        let reconstructed = try harness.run("verify", model, "r.safetensors", "--error-bound", "1e-3")
        #expect(reconstructed.status == 0, "\(reconstructed.standardError)")
        #expect(reconstructed.standardOutput.contains("bound held for 6 of 6 tensors"))
    }

    @Test("--json output parses and carries the documented keys")
    func jsonOutputs() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let model = CLIHarness.model.path

        let compressed = try CLIHarness.json(try harness.run("compress", model, "-o", "m.sznn", "--json"))
        for key in ["tensors", "file_bytes", "original_bytes", "elements", "ratio", "seconds", "output"] {
            #expect(compressed[key] != nil, "compress --json has \(key)")
        }
        let tensors = try #require(compressed["tensors"] as? [[String: Any]])
        #expect(tensors.count == 6)
        for key in ["name", "dtype", "shape", "storage", "backend", "bytes", "bits_per_weight", "ratio"] {
            #expect(tensors.allSatisfy { $0[key] != nil }, "every tensor has \(key)")
        }

        let inspected = try CLIHarness.json(try harness.run("inspect", "m.sznn", "--json"))
        let metadata = try #require(inspected["metadata"] as? [String: Any])
        #expect(metadata["source_name"] as? String == "model.safetensors")
        #expect(inspected["tensors"] != nil)

        let verified = try CLIHarness.json(try harness.run("verify", model, "m.sznn", "--json"))
        #expect(verified["all_bounds_held"] as? Bool == true)
        for report in [compressed, inspected, verified] { #expect(report["schema_version"] as? Int == 2, "every report is versioned") }
        let rows = try #require(verified["tensors"] as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["fc1.weight", "fc1.bias", "fc2.weight", "embedding.weight", "head.weight", "steps"])
        for key in ["elements", "bound_checked", "violations", "max_abs_error", "rmse", "psnr_db"] {
            #expect(rows.allSatisfy { $0[key] != nil }, "every verify row has \(key)")
        }
        // One per-tensor object: verify's rows carry the file's own, exactly as inspect gives it.
        let inspectedTensors = try #require(inspected["tensors"] as? [[String: Any]])
        for (row, tensor) in zip(rows, inspectedTensors) {
            for (key, value) in tensor { #expect("\(row[key] ?? "missing")" == "\(value)", "verify's \(key) of \(tensor["name"] ?? "")") }
        }
        // The lossless integer tensor reconstructs exactly: PSNR is +∞, written as null (JSON has no ∞), never −1.
        let steps = try #require(rows.last)
        #expect(steps["psnr_db"] is NSNull)
    }

    @Test("verify against a smaller bound than was used fails with E405")
    func verifyCatchesBrokenBound() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let model = CLIHarness.model.path
        #expect(try harness.run("compress", model, "-o", "m.sznn", "--error-bound", "1e-2").status == 0)
        #expect(try harness.run("decompress", "m.sznn", "-o", "r.safetensors").status == 0)
        let outcome = try harness.run("verify", model, "r.safetensors", "--error-bound", "1e-5")
        #expect(outcome.status == 1)
        #expect(outcome.errorLines.count == 1)
        #expect(outcome.errorLines.first?.hasPrefix("error E405") == true, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("NO"))
    }

    @Test("a plan file applies per-tensor overrides")
    func configOverrides() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let plan = CLIHarness.fixtures.appendingPathComponent("sznn/plan.json").path
        let outcome = try harness.run("compress", CLIHarness.model.path, "-o", "m.sznn", "--config", plan, "--json")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let tensors = try #require(try CLIHarness.json(outcome)["tensors"] as? [[String: Any]])
        let storage = Dictionary(uniqueKeysWithValues: tensors.map { ($0["name"] as? String ?? "", $0["storage"] as? String ?? "") })
        #expect(storage["embedding.weight"] == "lossless")
        #expect(storage["fc1.bias"] == "lossless")
        #expect(storage["fc2.weight"] == "error-bounded")
        #expect(try harness.run("verify", CLIHarness.model.path, "m.sznn").status == 0)
    }
}
