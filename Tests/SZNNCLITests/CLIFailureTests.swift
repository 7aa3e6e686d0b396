import Foundation
import Testing

/// Exit codes and one-line errors: 1 for data and runtime errors (`error E…`), 64 for usage.
@Suite("CLI failures")
struct CLIFailureTests {
    /// Corrupt goldens of Tests/Fixtures/sznn whose codes are container errors (3xx).
    static let corruptFiles = ["truncated.sznn", "bitflip.sznn", "badmagic.sznn", "version2.sznn", "trailing.sznn"]

    @Test("a corrupt .sznn fails every reading command with exit 1 and one `error E3` line", arguments: corruptFiles)
    func corruptContainer(file: String) throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let path = CLIHarness.fixtures.appendingPathComponent("sznn/\(file)").path
        let runs = [try harness.run("inspect", path), try harness.run("decompress", path, "-o", "r.safetensors"),
                    try harness.run("verify", CLIHarness.model.path, path)]
        for outcome in runs {
            #expect(outcome.status == 1)
            #expect(outcome.errorLines.count == 1, "\(outcome.standardError)")
            #expect(outcome.errorLines.first?.hasPrefix("error E3") == true, "\(outcome.standardError)")
        }
        #expect(!harness.exists("r.safetensors"))
    }

    @Test("a missing input is E201 and leaves no output")
    func missingInput() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        for outcome in [try harness.run("compress", "absent.safetensors", "-o", "m.sznn"),
                        try harness.run("decompress", "absent.sznn", "-o", "r.safetensors"),
                        try harness.run("inspect", "absent.sznn")] {
            #expect(outcome.status == 1)
            #expect(outcome.errorLines.first?.hasPrefix("error E201") == true, "\(outcome.standardError)")
        }
        #expect(harness.contents().isEmpty)
    }

    @Test("a compress that fails leaves no output file")
    func failedCompressLeavesNothing() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let missingDirectory = try harness.run("compress", CLIHarness.model.path, "-o", "no-such-dir/m.sznn")
        #expect(missingDirectory.status == 1)
        #expect(missingDirectory.errorLines.count == 1, "\(missingDirectory.standardError)")
        let corruptInput = CLIHarness.fixtures.appendingPathComponent("io/corrupt-dtype.safetensors").path
        let corrupt = try harness.run("compress", corruptInput, "-o", "m.sznn")
        #expect(corrupt.status == 1)
        #expect(corrupt.errorLines.first?.hasPrefix("error E2") == true, "\(corrupt.standardError)")
        #expect(harness.contents().isEmpty, "left behind: \(harness.contents())")
    }

    @Test("usage errors exit 64 with one `error E101` line", arguments: [
        ["compress", "MODEL", "-o", "m.sznn", "--no-such-option"],
        ["compress", "MODEL", "-o"],
        ["compress", "MODEL", "-o", "m.sznn", "--backend", "zstd", "--zstd-level", "99"],
        ["compress", "MODEL", "-o", "m.sznn", "--zstd-level", "0"],
        ["compress", "MODEL", "-o", "m.sznn", "--error-bound", "nan"],
        ["compress", "MODEL", "-o", "m.sznn", "--error-bound", "-1"],
        ["compress", "MODEL", "-o", "m.sznn", "--mode", "xyz"],
        ["compress", "MODEL", "-o", "m.sznn", "--predictor", "lorenzo9"],
        ["compress", "MODEL", "-o", "m.sznn", "--backend", "gzip"],
        ["compress", "-o", "m.sznn"],
        ["decompress", "m.sznn", "-o", "r.txt"],
        ["verify", "MODEL", "m.sznn", "--error-bound", "inf"],
        ["no-such-command"],
    ])
    func usageErrors(arguments: [String]) throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let resolved = arguments.map { $0 == "MODEL" ? CLIHarness.model.path : $0 }
        let outcome = try harness.run(resolved)
        #expect(outcome.status == 64, "\(resolved): \(outcome.standardError)")
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(resolved): \(outcome.standardError)")
        #expect(lines.first?.hasPrefix("error E101: ") == true, "\(resolved): \(outcome.standardError)")
        #expect(lines.first?.hasSuffix("--help'") == true, "\(resolved): \(outcome.standardError)")
        #expect(harness.contents().isEmpty)
    }

    @Test("-o naming the input is a usage error and leaves the input untouched")
    func outputOverwritesInput() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let copy = harness.directory.appendingPathComponent("model.sznn")
        try FileManager.default.copyItem(at: CLIHarness.model, to: copy)
        let before = try Data(contentsOf: copy)
        for output in ["model.sznn", "./model.sznn", copy.path] {
            let outcome = try harness.run("compress", "model.sznn", "-o", output)
            #expect(outcome.status == 64, "-o \(output): \(outcome.standardError)")
        }
        #expect(try Data(contentsOf: copy) == before)
    }

    @Test("--help of each command names its key options", arguments: [
        ("compress", ["--output", "--error-bound", "--mode", "--predictor", "--backend", "--lossless-below", "--config", "--json"]),
        ("decompress", ["--output", ".safetensors", ".npz"]),
        ("inspect", ["--json"]),
        ("verify", ["--error-bound", "--mode", "--json"]),
    ])
    func help(command: String, options: [String]) throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let outcome = try harness.run(command, "--help")
        #expect(outcome.status == 0)
        for option in options { #expect(outcome.standardOutput.contains(option), "\(command) --help mentions \(option)") }
    }
}
