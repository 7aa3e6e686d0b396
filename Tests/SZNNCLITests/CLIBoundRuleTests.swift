import Foundation
import SZNNCore
import Testing

/// `verify` applies the same bound rule as the property tests (`ErrorBoundCheck`), and `--max-memory` caps decoding.
@Suite("CLI bound rule and decode budget")
struct CLIBoundRuleTests {
    /// Issue 11: a −0.0 that came back as +0.0 passed `verify` while the tests reject it.
    @Test("verify reports a −0.0 reconstructed as +0.0 as a violation and exits 1")
    func negativeZeroFlipIsViolation() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let original = try Tensor(name: "w", shape: [3], float32: [1.0, -0.0, 0.5])
        let flipped = try Tensor(name: "w", shape: [3], float32: [1.0, 0.0, 0.5])
        try ModelFile.write(Model(tensors: [original], metadata: [:]), to: URL(fileURLWithPath: harness.path("o.safetensors")))
        try ModelFile.write(Model(tensors: [flipped], metadata: [:]), to: URL(fileURLWithPath: harness.path("r.safetensors")))
        let outcome = try harness.run("verify", harness.path("o.safetensors"), harness.path("r.safetensors"), "--error-bound", "0.1")
        #expect(outcome.status == 1)
        #expect(outcome.errorLines.first?.hasPrefix("error E405") == true, "\(outcome.standardError)")
        let same = try harness.run("verify", harness.path("o.safetensors"), harness.path("o.safetensors"), "--error-bound", "0.1")
        #expect(same.status == 0, "\(same.standardError)")
    }

    @Test("decompress and verify refuse a file above --max-memory with E406")
    func maximumMemoryIsEnforced() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        #expect(try harness.run("compress", CLIHarness.model.path, "-o", "m.sznn", "--error-bound", "1e-3").status == 0)
        for outcome in [try harness.run("decompress", "m.sznn", "-o", "r.safetensors", "--max-memory", "1K"),
                        try harness.run("verify", CLIHarness.model.path, "m.sznn", "--max-memory", "1K")] {
            #expect(outcome.status == 1)
            #expect(outcome.errorLines.first?.hasPrefix("error E406") == true, "\(outcome.standardError)")
        }
        #expect(!harness.exists("r.safetensors"))
        #expect(try harness.run("decompress", "m.sznn", "-o", "r.safetensors", "--max-memory", "1G").status == 0)
        #expect(try harness.run("decompress", "m.sznn", "-o", "s.safetensors", "--max-memory", "lots").status == 64)
    }
}
