import Foundation
import Testing

/// The embedded defaults are found from any directory, and output paths are checked before long work.
@Suite("CLI defaults and early checks")
struct CLIDefaultsTests {
    @Test("compress --target-acc-loss outside the repository finds the defaults and refuses a missing output folder at once")
    func defaultsFromAnyDirectoryAndEarlyOutputCheck() throws {
        let harness = try CLIHarness()   // runs in a fresh temporary directory, not the repository root
        defer { harness.cleanUp() }
        let started = Date()
        let outcome = try harness.run("compress", "--target-acc-loss", "0.5", "-o", "no-such-dir/lenet5.sznn")
        #expect(outcome.status == 1)
        #expect(outcome.errorLines.count == 1, "\(outcome.standardError)")
        // E201 would mean the embedded model was not found; E501 is the output check, made before tuning.
        #expect(outcome.errorLines.first?.hasPrefix("error E501") == true, "\(outcome.standardError)")
        #expect(Date().timeIntervalSince(started) < 30, "the output folder must be checked before the tuning run")
        #expect(harness.contents().isEmpty)
    }

    @Test("compare checks --json-output and --plot folders before it runs any method")
    func compareChecksOutputsFirst() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        for arguments in [["--json-output", "no-such-dir/report.json"], ["--plot", "no-such-dir/plot.svg"]] {
            let outcome = try harness.run(["compare", "--target-acc-loss", "0.5", "--methods", "prune"] + arguments)
            #expect(outcome.status == 1)
            #expect(outcome.errorLines.first?.hasPrefix("error E501") == true, "\(outcome.standardError)")
        }
        #expect(harness.contents().isEmpty)
    }
}

/// Negative numbers are values, so the range check explains what is wrong instead of "missing value".
@Suite("CLI negative values")
struct CLINegativeValueTests {
    @Test("a negative number reaches the option's own range check (exit 64)", arguments: [
        (["compress", "m.safetensors", "-o", "m.sznn", "--error-bound", "-1"], "--error-bound"),
        (["compress", "m.safetensors", "-o", "m.sznn", "--lossless-below", "-5"], "--lossless-below"),
        (["compress", "--target-acc-loss", "-0.5"], "--target-acc-loss"),
        (["train", "--model", "a.json", "-o", "w.safetensors", "--lr", "-0.1"], "--lr"),
    ])
    func negativeValues(arguments: [String], option: String) throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let outcome = try harness.run(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains(option), "\(outcome.standardError)")
        #expect(!outcome.standardError.lowercased().contains("missing value"), "\(outcome.standardError)")
    }
}
