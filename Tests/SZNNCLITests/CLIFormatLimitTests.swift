import Foundation
import SZNNCore
import Testing

/// Models a `.sznn` v1 or an `.npz` cannot hold fail with exit 1 and E106, and leave no output.
@Suite("CLI format limits")
struct CLIFormatLimitTests {
    /// Writes a one-tensor safetensors model named `file` into the harness directory.
    static func writeModel(tensorName: String, to file: String, in harness: CLIHarness) throws {
        let tensor = try Tensor(name: tensorName, shape: [4], float32: [0.5, -0.25, 1, 2])
        try Safetensors.encode(Model(tensors: [tensor])).write(to: URL(fileURLWithPath: harness.path(file)))
    }

    @Test("compress of a 4,097-byte tensor name is E106 and writes nothing")
    func overlongNameIsRefused() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        try Self.writeModel(tensorName: String(repeating: "n", count: 4097), to: "long.safetensors", in: harness)
        let outcome = try harness.run("compress", "long.safetensors", "-o", "long.sznn")
        #expect(outcome.status == 1, "\(outcome.standardError)")
        #expect(outcome.errorLines.count == 1, "\(outcome.standardError)")
        #expect(outcome.errorLines.first?.hasPrefix("error E106") == true, "\(outcome.standardError)")
        #expect(harness.contents() == ["long.safetensors"], "left behind: \(harness.contents())")
    }

    @Test("decompress -o .npz of path-like tensor names is E106 and writes nothing; .safetensors still works")
    func pathLikeNamesAreNotWrittenToNpz() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        try Self.writeModel(tensorName: "../../escape", to: "paths.safetensors", in: harness)
        let compressed = try harness.run("compress", "paths.safetensors", "-o", "paths.sznn")
        #expect(compressed.status == 0, "\(compressed.standardError)")
        let outcome = try harness.run("decompress", "paths.sznn", "-o", "restored.npz")
        #expect(outcome.status == 1, "\(outcome.standardError)")
        #expect(outcome.errorLines.count == 1, "\(outcome.standardError)")
        #expect(outcome.errorLines.first?.hasPrefix("error E106") == true, "\(outcome.standardError)")
        #expect(!harness.exists("restored.npz"))
        #expect(harness.contents() == ["paths.safetensors", "paths.sznn"], "left behind: \(harness.contents())")
        let safetensors = try harness.run("decompress", "paths.sznn", "-o", "restored.safetensors")
        #expect(safetensors.status == 0, "\(safetensors.standardError)")
    }
}
