import Foundation
import SZNNCore
import Testing

/// `compress | decompress | verify | inspect --base`: updates against a base, run as a real process.
@Suite("CLI updates with --base")
struct CLIUpdateTests {
    /// Writes `name`: the fixture model with every float element moved by a few 1e-4 (a fine-tuning step, roughly).
    static func writeUpdate(of source: String, to name: String, step: Int, in harness: CLIHarness) throws {
        let model = try ModelFile.read(from: URL(fileURLWithPath: source))
        let tensors = try model.tensors.map { tensor -> Tensor in
            guard let values = tensor.floatValues() else { return tensor }
            let moved = values.enumerated().map { index, value in value + Float(2e-4 * sin(Double(index * 7 + step))) }
            return try Tensor(converting: moved, like: tensor)
        }
        try ModelFile.write(Model(tensors: tensors, metadata: model.metadata), to: URL(fileURLWithPath: harness.path(name)))
    }

    /// The code of the first `error E…` line, or nil.
    static func errorCode(_ outcome: CLIHarness.Outcome) -> String? { outcome.errorLines.first.map { String($0.prefix(10)) } }

    @Test("an update against a safetensors base: compress, inspect, verify, decompress, smaller than standalone")
    func roundTrip() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let base = CLIHarness.model.path
        try Self.writeUpdate(of: base, to: "new.safetensors", step: 1, in: harness)

        let compressed = try harness.run("compress", "new.safetensors", "--base", base, "--error-bound", "1e-3", "-o", "update.sznn")
        #expect(compressed.status == 0, "\(compressed.standardError)")
        #expect(compressed.standardOutput.contains("update:"))
        let standalone = try harness.run("compress", "new.safetensors", "--error-bound", "1e-3", "-o", "alone.sznn")
        #expect(standalone.status == 0)
        let sizes = try ["update.sznn", "alone.sznn"].map { try Data(contentsOf: URL(fileURLWithPath: harness.path($0))).count }
        #expect(sizes[0] < sizes[1], "update \(sizes[0]) bytes, standalone \(sizes[1])")

        let inspected = try harness.run("inspect", "update.sznn")
        #expect(inspected.status == 0)
        #expect(inspected.standardOutput.contains(" base "), "the predictor column says base for a delta")
        let report = try CLIHarness.json(try harness.run("inspect", "update.sznn", "--json"))
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        let deltas = tensors.filter { $0["delta"] as? Bool == true }
        #expect(!deltas.isEmpty && deltas.allSatisfy { $0["predictor"] as? String == "base" })
        #expect(tensors.allSatisfy { $0["delta"] is Bool }, "every tensor says whether it is a delta")
        #expect((report["base_sha256"] as? String)?.count == 64)
        #expect(report["delta_tensors"] as? Int == deltas.count)

        let verified = try harness.run("verify", "new.safetensors", "update.sznn", "--base", base)
        #expect(verified.status == 0, "\(verified.standardError)")
        let decompressed = try harness.run("decompress", "update.sznn", "--base", base, "-o", "r.safetensors")
        #expect(decompressed.status == 0, "\(decompressed.standardError)")
        let reconstructed = try harness.run("verify", "new.safetensors", "r.safetensors", "--error-bound", "1e-3")
        #expect(reconstructed.status == 0, "\(reconstructed.standardOutput)\(reconstructed.standardError)")
    }

    @Test("no base is E701, a wrong base E702, both exit 1 and write nothing")
    func missingOrWrongBase() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let base = CLIHarness.model.path
        try Self.writeUpdate(of: base, to: "new.safetensors", step: 1, in: harness)
        #expect(try harness.run("compress", "new.safetensors", "--base", base, "-o", "update.sznn").status == 0)

        let missing = try harness.run("decompress", "update.sznn", "-o", "r.safetensors")
        #expect(missing.status == 1 && Self.errorCode(missing) == "error E701", "\(missing.standardError)")
        let wrong = try harness.run("decompress", "update.sznn", "--base", "new.safetensors", "-o", "r.safetensors")
        #expect(wrong.status == 1 && Self.errorCode(wrong) == "error E702", "\(wrong.standardError)")
        let verifyWrong = try harness.run("verify", "new.safetensors", "update.sznn", "--base", "new.safetensors")
        #expect(verifyWrong.status == 1 && Self.errorCode(verifyWrong) == "error E702")
        #expect(!harness.exists("r.safetensors"))
    }

    @Test("a .sznn base counts as its decoded weights, and a chain is --base given in order")
    func sznnBaseAndChain() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let source = CLIHarness.model.path
        try Self.writeUpdate(of: source, to: "new1.safetensors", step: 1, in: harness)
        try Self.writeUpdate(of: harness.path("new1.safetensors"), to: "new2.safetensors", step: 2, in: harness)
        #expect(try harness.run("compress", source, "--error-bound", "1e-3", "-o", "base.sznn").status == 0)
        let first = try harness.run("compress", "new1.safetensors", "--base", "base.sznn", "--error-bound", "1e-3", "-o", "update1.sznn")
        #expect(first.status == 0, "\(first.standardError)")
        // The original safetensors is not the base: update1 was coded against what base.sznn decodes to.
        let original = try harness.run("decompress", "update1.sznn", "--base", source, "-o", "r1.safetensors")
        #expect(Self.errorCode(original) == "error E702")
        #expect(try harness.run("decompress", "base.sznn", "-o", "base-decoded.safetensors").status == 0)
        #expect(try harness.run("verify", "new1.safetensors", "update1.sznn", "--base", "base-decoded.safetensors").status == 0,
                "the safetensors of base.sznn's weights is the same base")

        let second = try harness.run("compress", "new2.safetensors", "--base", "base.sznn", "--base", "update1.sznn",
                                     "--error-bound", "1e-3", "-o", "update2.sznn")
        #expect(second.status == 0, "\(second.standardError)")
        let verified = try harness.run("verify", "new2.safetensors", "update2.sznn", "--base", "base.sznn", "--base", "update1.sznn")
        #expect(verified.status == 0, "\(verified.standardOutput)\(verified.standardError)")
        let skipped = try harness.run("decompress", "update2.sznn", "--base", "base.sznn", "-o", "r2.safetensors")
        #expect(Self.errorCode(skipped) == "error E702", "update2 is not an update of base.sznn itself")
        let brokenChain = try harness.run("decompress", "update2.sznn", "--base", "update1.sznn", "-o", "r2.safetensors")
        #expect(Self.errorCode(brokenChain) == "error E701", "update1.sznn needs its own base first")
    }

    @Test("compress --target-acc-loss --base tunes the update's bounds on the update's own reconstruction and meets the target")
    func tunedUpdate() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let base = CLINetworkTests.path("Data/models/lenet-300-100.safetensors")
        try Self.writeUpdate(of: base, to: "new.safetensors", step: 3, in: harness)
        let outcome = try harness.run("compress", "new.safetensors", "--base", base, "--model", CLINetworkTests.path("Configs/models/lenet-300-100.json"),
                                      "--data", CLINetworkTests.path("Data/mnist"), "--target-acc-loss", "0.5", "--tuner", "fisher",
                                      "--confidence", "0", "-o", "update.sznn", "--json")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try CLIHarness.json(outcome)
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.filter { $0["delta"] as? Bool == true }.map { $0["name"] as? String } == ["fc1.weight", "fc1.bias", "fc2.weight", "fc3.weight"])
        #expect((report["validation_drop_pp"] as? Double ?? 99) <= 0.5 + 1e-9)
        #expect(try harness.run("verify", "new.safetensors", "update.sznn", "--base", base).status == 0)
        let evaluated = try CLIHarness.json(try harness.run("eval", "--model", CLINetworkTests.path("Configs/models/lenet-300-100.json"),
                                                            "--weights", "update.sznn", "--base", base,
                                                            "--data", CLINetworkTests.path("Data/mnist"), "--json"))
        let validation = try #require(report["validation"] as? [String: Double])
        #expect(abs((evaluated["validation_top1"] as? Double ?? 0) - (validation["compressed"] ?? 1)) < 1e-9, "eval --base decodes what was verified")
        let inspected = try CLIHarness.json(try harness.run("inspect", "update.sznn", "--json"))
        let metadata = try #require(inspected["metadata"] as? [String: Any])
        #expect(metadata["base_names"] as? [String] == ["lenet-300-100.safetensors"])
    }

    @Test("train --learn-error-bounds --base learns an update of the base for the new model that decodes only against the base")
    func learnedUpdate() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let base = CLINetworkTests.path("Data/models/lenet-300-100.safetensors")
        let (model, data) = (CLINetworkTests.path("Configs/models/lenet-300-100.json"), CLINetworkTests.path("Data/mnist"))
        try Self.writeUpdate(of: base, to: "new.safetensors", step: 3, in: harness)
        let newValidation = try CLIHarness.json(try harness.run("eval", "--model", model, "--weights", "new.safetensors", "--data", data, "--json"))["validation_top1"] as? Double
        let outcome = try harness.run("train", "--model", model, "--data", data, "--weights", "new.safetensors", "--base", base, "--learn-error-bounds",
                                      "--target-acc-loss", "0.5", "--epochs", "1", "--max-batches", "20", "-o", "update.sznn", "--json")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try CLIHarness.json(outcome)
        let validation = try #require(report["validation"] as? [String: Double])
        #expect(abs((validation["original"] ?? 0) - (newValidation ?? 1)) < 1e-9, "the drop is measured against the new model")
        #expect(((validation["original"] ?? 0) - (validation["compressed"] ?? 1)) * 100 <= 0.5 + 1e-9)
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.filter { $0["delta"] as? Bool == true }.map { $0["name"] as? String } == ["fc1.weight", "fc1.bias", "fc2.weight", "fc3.weight"])
        #expect(Self.errorCode(try harness.run("decompress", "update.sznn", "-o", "alone.safetensors")) == "error E701")
        #expect(try harness.run("decompress", "update.sznn", "--base", base, "-o", "new.safetensors").status == 0)
        let evaluated = try CLIHarness.json(try harness.run("eval", "--model", model, "--weights", "update.sznn", "--base", base,
                                                            "--data", data, "--json"))
        #expect(abs((evaluated["validation_top1"] as? Double ?? 0) - (validation["compressed"] ?? 1)) < 1e-9, "eval --base decodes what was verified")
        let inspected = try CLIHarness.json(try harness.run("inspect", "update.sznn", "--json"))
        #expect((inspected["metadata"] as? [String: Any])?["base_names"] as? [String] == ["lenet-300-100.safetensors"])
    }

    @Test("train --base without --learn-error-bounds or --weights, or writing over the base, is a usage error")
    func learnedUpdateUsage() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let model = CLINetworkTests.path("Configs/models/lenet-300-100.json")
        try Data(contentsOf: URL(fileURLWithPath: CLINetworkTests.path("Data/models/lenet-300-100.safetensors"))).write(to: URL(fileURLWithPath: harness.path("base.safetensors")))
        #expect(try harness.run("train", "--model", model, "--base", "base.safetensors", "-o", "new.safetensors").status == 64)
        #expect(try harness.run("train", "--model", model, "--base", "base.safetensors", "--learn-error-bounds", "--target-acc-loss", "0.5",
                                "-o", "update.sznn").status == 64)
        #expect(try harness.run("train", "--model", model, "--weights", "base.safetensors", "--base", "base.sznn", "--learn-error-bounds",
                                "--target-acc-loss", "0.5", "-o", "base.sznn").status == 64)
        #expect(harness.contents() == ["base.safetensors"])
    }
}
