import Foundation
import SZNNCLI
import Testing

/// The commands and compare's rows share one verified-compression path (SZNNWorkflow).
@Suite("CLI: one workflow")
struct CLIWorkflowTests {
    static func path(_ relative: String) -> String { CLINetworkTests.path(relative) }

    @Test("compare's fisher row is the file compress --target-acc-loss --tuner fisher writes, byte count for byte count")
    func compareRowIsTheCommandsFile() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let weights = Self.path("Data/models/lenet-300-100.safetensors"), architecture = Self.path("Configs/models/lenet-300-100.json")
        let data = Self.path("Data/mnist")
        let compared = try harness.run("compare", "--model", architecture, "--weights", weights, "--data", data,
                                       "--target-acc-loss", "1.0", "--methods", "fisher", "--json")
        #expect(compared.status == 0, "\(compared.standardError)")
        let rows = try #require(try CLIHarness.json(compared)["rows"] as? [[String: Any]])
        let rowBytes = try #require(rows.first?["bytes"] as? Int)

        let output = harness.path("tuned.sznn")
        let compressed = try harness.run("compress", weights, "--model", architecture, "--data", data, "--target-acc-loss", "1.0",
                                         "--tuner", "fisher", "--confidence", "0", "-o", output)
        #expect(compressed.status == 0, "\(compressed.standardError)")
        let fileBytes = try #require(try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int)
        #expect(rowBytes == fileBytes)
    }

    @Test("every command's --help ends with pasteable EXAMPLES")
    func everyHelpHasExamples() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let names = SZNNCommand.configuration.subcommands.map { $0.configuration.commandName ?? "" }
        #expect(names.count >= 7)
        for name in names {
            let outcome = try harness.run(name, "--help")
            #expect(outcome.status == 0)
            #expect(outcome.standardOutput.contains("EXAMPLES:\n  # "), "\(name) --help has no EXAMPLES section")
            #expect(outcome.standardOutput.contains("sz-nn \(name)"), "\(name)'s examples do not run \(name)")
        }
    }
}
