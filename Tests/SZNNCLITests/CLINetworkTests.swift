import Foundation
import Testing

/// End-to-end tests of the commands that run networks: `eval`, `train`, `compress --target-acc-loss`.
@Suite("CLI with networks")
struct CLINetworkTests {
    /// The repository root (the demo models, configs and MNIST live there).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    @Test("eval reproduces the committed LeNet-300-100's accuracies (Data/models/README.md)")
    func evalReproducesDemoModel() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let outcome = try harness.run("eval", "--model", Self.path("Configs/models/lenet-300-100.json"),
                                      "--weights", Self.path("Data/models/lenet-300-100.safetensors"),
                                      "--data", Self.path("Data/mnist"), "--json")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try CLIHarness.json(outcome)
        #expect(abs((report["validation_top1"] as? Double ?? 0) - 0.9858) < 1e-4)
        #expect(abs((report["test_top1"] as? Double ?? 0) - 0.9849) < 1e-4)
    }

    @Test("eval --split validation measures validation alone, with the same accuracy")
    func evalOneSplit() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let outcome = try harness.run("eval", "--model", Self.path("Configs/models/lenet-300-100.json"),
                                      "--weights", Self.path("Data/models/lenet-300-100.safetensors"),
                                      "--data", Self.path("Data/mnist"), "--split", "validation", "--json")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try CLIHarness.json(outcome)
        #expect(abs((report["validation_top1"] as? Double ?? 0) - 0.9858) < 1e-4)
        #expect(report["test_top1"] == nil)
        #expect(report["validation_images"] as? Int == 5000)
    }

    @Test("compress --target-acc-loss meets the target on validation, keeps --config's rules and tiny tensors exact, writes a file that verifies and evaluates")
    func tuneMeetsTarget() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let output = harness.path("tuned.sznn")
        let config = harness.path("rules.json")
        try Data(#"{"tensors": [{"match": "fc3.weight", "error_bound": 0.01}, {"match": "fc1.bias", "lossless": true}]}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        let outcome = try harness.run("compress", Self.path("Data/models/lenet-300-100.safetensors"),
                                      "--model", Self.path("Configs/models/lenet-300-100.json"), "--data", Self.path("Data/mnist"),
                                      "--target-acc-loss", "1.0", "--tuner", "fisher", "--confidence", "0", "--config", config, "-o", output, "--json")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try CLIHarness.json(outcome)
        #expect(report["confirmation"] is NSNull, "--confidence 0 searches on all of validation")
        let records = try #require(report["tensors"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: records.map { ($0["name"] as? String ?? "", $0) })
        for name in ["fc1.bias", "fc2.bias", "fc3.bias"] {   // a rule, then two below --lossless-below (256)
            #expect(byName[name]?["storage"] as? String == "lossless", "\(name) must be stored exactly")
        }
        #expect(byName["fc3.weight"]?["error_bound_max"] as? Double == 0.01, "the pinned bound is not tuned")
        #expect(byName["fc1.weight"]?["storage"] as? String == "error-bounded")
        let validation = try #require(report["validation"] as? [String: Double])
        let drop = ((validation["original"] ?? 0) - (validation["compressed"] ?? 1)) * 100
        #expect(abs((report["validation_drop_pp"] as? Double ?? 99) - drop) < 1e-9, "the report gives the drop it was tuned to")
        #expect(drop <= 1.0 + 1e-9)
        #expect((report["ratio"] as? Double ?? 0) > 10)
        #expect(try harness.run("verify", Self.path("Data/models/lenet-300-100.safetensors"), output).status == 0)
        let evaluated = try CLIHarness.json(try harness.run("eval", "--model", Self.path("Configs/models/lenet-300-100.json"),
                                                            "--weights", output, "--data", Self.path("Data/mnist"), "--json"))
        #expect(abs((evaluated["validation_top1"] as? Double ?? 0) - (validation["compressed"] ?? 0)) < 1e-9)
    }

    @Test("by default the tuned bounds are confirmed on held-out validation images at 95 % confidence, and the report says so")
    func tuneConfirmsOnHeldOutImages() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let arguments = ["compress", Self.path("Data/models/lenet-300-100.safetensors"), "--model", Self.path("Configs/models/lenet-300-100.json"),
                         "--data", Self.path("Data/mnist"), "--target-acc-loss", "1.0", "--tuner", "fisher"]
        let outcome = try harness.run(arguments + ["-o", harness.path("confirmed.sznn"), "--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try CLIHarness.json(outcome)
        let confirmation = try #require(report["confirmation"] as? [String: Any])
        #expect(confirmation["confidence"] as? Double == 0.95)
        #expect(confirmation["images"] as? Int == 2500, "half of MNIST's 5,000 validation images are held out")
        let upper = try #require(confirmation["upper_bound_drop_pp"] as? Double)
        #expect(upper <= 1.0 && upper >= (confirmation["observed_drop_pp"] as? Double ?? .infinity))
        #expect((confirmation["bound_scale"] as? Double ?? 2) <= 1)
        let validation = try #require(report["validation"] as? [String: Double])
        #expect(((validation["original"] ?? 0) - (validation["compressed"] ?? 1)) * 100 <= 1.0 + 1e-9)
        let text = try harness.run(arguments + ["-o", harness.path("text.sznn")])
        #expect(text.standardOutput.contains("promise: with 95 % confidence"), "\(text.standardOutput)")
        for bad in ["1", "-0.1", "nan"] {
            #expect(try harness.run(arguments + ["--confidence", bad, "-o", harness.path("bad.sznn")]).status == 64)
        }
        #expect(try harness.run("compress", Self.path("Data/models/lenet-300-100.safetensors"), "--confidence", "0.9",
                                "-o", harness.path("fixed.sznn")).status == 64, "--confidence applies only when tuning")
    }

    @Test("weights of another architecture, or a target outside [0, 100), fail clearly and write nothing")
    func badTuningInput() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let mismatch = try harness.run("compress", Self.path("Data/models/lenet-300-100.safetensors"),
                                       "--model", Self.path("Configs/models/lenet5.json"), "--data", Self.path("Data/mnist"),
                                       "--target-acc-loss", "0.5", "-o", harness.path("x.sznn"))
        #expect(mismatch.status == 1)
        #expect(mismatch.errorLines.first?.hasPrefix("error E601") == true, "\(mismatch.standardError)")
        for target in ["100", "-1", "nan"] {
            #expect(try harness.run("compress", "--target-acc-loss=\(target)", "-o", harness.path("y.sznn")).status == 64)
        }
        // Each mode refuses the other's options instead of ignoring them.
        let mixed = [["compress", "--target-acc-loss", "0.5", "--error-bound", "1e-3", "-o", harness.path("y.sznn")],
                     ["compress", "--target-acc-loss", "0.5", "--predictor", "zero", "-o", harness.path("y.sznn")],
                     ["compress", Self.path("Data/models/lenet5.safetensors"), "--tuner", "fisher", "-o", harness.path("y.sznn")],
                     ["compress", Self.path("Data/models/lenet5.safetensors"), "--data", "Data/mnist", "-o", harness.path("y.sznn")]]
        for arguments in mixed {
            let outcome = try harness.run(arguments)
            #expect(outcome.status == 64, "\(arguments): \(outcome.standardError)")
        }
        let unreadable = try harness.run("compress", Self.path("Data/models/lenet-300-100.safetensors"),
                                         "--model", Self.path("Configs/models/lenet-300-100.json"), "--data", harness.path("no-such-folder"),
                                         "--target-acc-loss", "0.5", "-o", harness.path("z.sznn"))
        #expect(unreadable.status == 1)
        #expect(harness.contents().isEmpty)
    }

    @Test("train writes weights that eval reads")
    func trainThenEval() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let weights = harness.path("quick.safetensors")
        let trained = try harness.run("train", "--model", Self.path("Configs/models/lenet-300-100.json"), "--data", Self.path("Data/mnist"),
                                      "--epochs", "1", "--max-batches", "20", "--seed", "3", "-o", weights)
        #expect(trained.status == 0, "\(trained.standardError)")
        let evaluated = try CLIHarness.json(try harness.run("eval", "--model", Self.path("Configs/models/lenet-300-100.json"),
                                                            "--weights", weights, "--data", Self.path("Data/mnist"), "--json"))
        // 20 batches of SGD already beat chance (10 %) by far.
        #expect((evaluated["test_top1"] as? Double ?? 0) > 0.5)
    }

    @Test("train --learn-error-bounds fine-tunes weights and bounds, meets the target on the file it writes")
    func learnErrorBounds() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let output = harness.path("learned.sznn")
        let outcome = try harness.run("train", "--model", Self.path("Configs/models/lenet-300-100.json"), "--data", Self.path("Data/mnist"),
                                      "--weights", Self.path("Data/models/lenet-300-100.safetensors"), "--learn-error-bounds",
                                      "--target-acc-loss", "1.0", "--epochs", "1", "--max-batches", "20", "-o", output, "--json")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try CLIHarness.json(outcome)
        let validation = try #require(report["validation"] as? [String: Double])
        #expect(abs((validation["original"] ?? 0) - 0.9858) < 1e-4, "the drop is measured against the starting weights")
        #expect(((validation["original"] ?? 0) - (validation["compressed"] ?? 1)) * 100 <= 1.0 + 1e-9)
        #expect((report["ratio"] as? Double ?? 0) > 10)
        let evaluated = try CLIHarness.json(try harness.run("eval", "--model", Self.path("Configs/models/lenet-300-100.json"),
                                                            "--weights", output, "--data", Self.path("Data/mnist"), "--json"))
        #expect(abs((evaluated["validation_top1"] as? Double ?? 0) - (validation["compressed"] ?? 0)) < 1e-9)
    }

    @Test("train --learn-error-bounds rejects a missing target, a non-.sznn output and stray tuning options")
    func learnErrorBoundsUsage() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let model = Self.path("Configs/models/lenet-300-100.json")
        #expect(try harness.run("train", "--model", model, "--learn-error-bounds", "-o", harness.path("a.sznn")).status == 64)
        #expect(try harness.run("train", "--model", model, "--learn-error-bounds", "--target-acc-loss", "0.5",
                                "-o", harness.path("a.safetensors")).status == 64)
        #expect(try harness.run("train", "--model", model, "--target-acc-loss", "0.5", "-o", harness.path("a.safetensors")).status == 64)
        #expect(harness.contents().isEmpty)
    }
}
