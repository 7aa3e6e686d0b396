import Foundation
import SZNNCore
import Testing

/// ONNX end to end through the command line, on the committed ResNet-style digits model.
@Suite("CLI with ONNX models")
struct CLIONNXTests {
    static let model = CLINetworkTests.path("Data/models/zoo/resnet-digits.onnx")
    static let data = CLINetworkTests.path("Data/digits/digits-test.npz")

    /// The arguments that evaluate on the 300 digits test images, half of them as validation.
    static let dataArguments = ["--data", data, "--validation-split", "150"]

    @Test("compress an .onnx, decompress to .onnx: the same graph skeleton, every weight within the bound")
    func onnxRoundTrip() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        #expect(try harness.run("compress", Self.model, "-o", "m.sznn", "--error-bound", "0.002").status == 0)
        #expect(try harness.run("decompress", "m.sznn", "-o", "back.onnx").status == 0)
        let original = try ModelFile.read(from: URL(fileURLWithPath: Self.model))
        let back = try ModelFile.read(from: URL(fileURLWithPath: harness.path("back.onnx")))
        #expect(back.graph == original.graph)
        #expect(back.tensors.map(\.name) == original.tensors.map(\.name))
        for (a, b) in zip(original.tensors, back.tensors) {
            let worst = zip(a.floatValues() ?? [], b.floatValues() ?? []).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 0.002, "\(a.name): \(worst)")
        }
        // A .safetensors output keeps the weights; only .onnx needs the graph.
        #expect(try harness.run("decompress", "m.sznn", "-o", "back.safetensors").status == 0)
    }

    @Test("eval --model x.onnx equals onnxruntime's accuracy (Data/models/zoo/README.md); a .sznn made from it needs no --model")
    func evalOnnx() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let direct = try harness.run(["eval", "--model", Self.model, "--json"] + Self.dataArguments)
        #expect(direct.status == 0, "\(direct.standardError)")
        let report = try CLIHarness.json(direct)
        let both = (report["validation_top1"] as? Double ?? 0) * 150 + (report["test_top1"] as? Double ?? 0) * 150
        #expect(Int(both.rounded()) == 297)  // 99.00 % of the 300 test images, as onnxruntime counts
        #expect(try harness.run("compress", Self.model, "-o", "m.sznn", "--error-bound", "0").status == 0)
        let fromContainer = try harness.run(["eval", "--weights", "m.sznn", "--json"] + Self.dataArguments)
        #expect(fromContainer.status == 0, "\(fromContainer.standardError)")
        #expect(try CLIHarness.json(fromContainer)["test_top1"] as? Double == report["test_top1"] as? Double)
    }

    @Test("compress model.onnx --target-acc-loss meets the target, and its .onnx evaluates at the reported accuracy")
    func tuneOnnx() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let tuned = try harness.run(["compress", Self.model, "--target-acc-loss", "1", "--tuning-steps", "20", "--confidence", "0", "-o", "t.sznn", "--json"] + Self.dataArguments)
        #expect(tuned.status == 0, "\(tuned.standardError)")
        let report = try CLIHarness.json(tuned)
        let validation = try #require(report["validation"] as? [String: Double])
        #expect((validation["original"]! - validation["compressed"]!) * 100 <= 1 + 1e-9)
        #expect(try #require(report["ratio"] as? Double) > 2)
        #expect(try harness.run("decompress", "t.sznn", "-o", "t.onnx").status == 0)
        let again = try CLIHarness.json(try harness.run(["eval", "--model", harness.path("t.onnx"), "--json"] + Self.dataArguments))
        #expect(again["validation_top1"] as? Double == validation["compressed"])
    }

    @Test("bad ONNX input: truncated, unsupported operator, foreign weights, missing external data — one line, exit 1, nothing written")
    func badInput() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.model))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: harness.path("cut.onnx")))
        let cut = try harness.run("compress", "cut.onnx", "-o", "cut.sznn")
        #expect(cut.status == 1 && cut.errorLines.count == 1 && cut.errorLines[0].hasPrefix("error E202"), "\(cut.standardError)")
        #expect(!harness.exists("cut.sznn"))

        // The first op_type "Relu" (NodeProto field 4, 4 bytes long) renamed: the error names the
        // node, the operator and what is supported.
        var renamed = bytes
        let relu = try #require(renamed.range(of: Data([0x22, 0x04]) + Data("Relu".utf8)))
        renamed.replaceSubrange(relu, with: Data([0x22, 0x04]) + Data("Relq".utf8))
        try renamed.write(to: URL(fileURLWithPath: harness.path("odd.onnx")))
        let odd = try harness.run(["eval", "--model", "odd.onnx"] + Self.dataArguments)
        #expect(odd.status == 1 && odd.errorLines.first?.contains("'Relq' is not supported") == true, "\(odd.standardError)")
        #expect(odd.errorLines.first?.contains("Conv") == true)

        let foreign = try harness.run(["eval", "--model", Self.model, "--weights", CLINetworkTests.path("Data/models/lenet5.safetensors")] + Self.dataArguments)
        #expect(foreign.status == 1 && foreign.errorLines.first?.hasPrefix("error E601") == true, "\(foreign.standardError)")

        let tuned = try harness.run(["compress", "odd.onnx", "--target-acc-loss", "0.5", "-o", "odd.sznn"] + Self.dataArguments)
        #expect(tuned.status == 1 && !harness.exists("odd.sznn"))
    }

    @Test("train --learn-error-bounds on vit-digits, whose training loses accuracy no bound gives back, keeps the starting weights and meets the target")
    func learnedBoundsKeepStartingWeights() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        // The digits splits in one .npz: x_train/y_train, x_val/y_val, x_test/y_test.
        var tensors: [Tensor] = []
        for (split, file) in [("train", "train"), ("val", "validation"), ("test", "test")] {
            let part = try ModelFile.read(from: URL(fileURLWithPath: CLINetworkTests.path("Data/digits/digits-\(file).npz")))
            for tensor in part.tensors { tensors.append(try Tensor(name: "\(tensor.name)_\(split)", dtype: tensor.dtype, shape: tensor.shape, bytes: tensor.bytes)) }
        }
        try ModelFile.write(Model(tensors: tensors), to: URL(fileURLWithPath: harness.path("digits.npz")))
        let model = CLINetworkTests.path("Data/models/zoo/vit-digits.onnx")
        let outcome = try harness.run("train", "--model", model, "--data", "digits.npz", "--learn-error-bounds", "--target-acc-loss", "0.5",
                                      "-o", "vit.sznn", "--json")
        #expect(outcome.status == 0, "\(outcome.standardError)")  // was E603
        #expect(outcome.standardError.contains("keeps the starting weights"))
        let report = try CLIHarness.json(outcome)
        let validation = try #require(report["validation"] as? [String: Double])
        #expect(((validation["original"] ?? 0) - (validation["compressed"] ?? 1)) * 100 <= 0.5 + 1e-9)
        let inspected = try CLIHarness.json(try harness.run("inspect", "vit.sznn", "--json"))
        let settings = (inspected["metadata"] as? [String: Any]).flatMap { $0["settings"] as? [String: Any] }
        #expect((settings?["training"] as? String)?.contains("starting weights kept") == true, "\(inspected)")
    }
}
