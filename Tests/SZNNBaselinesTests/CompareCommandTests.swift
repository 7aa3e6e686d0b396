import Testing
@testable import SZNNCLI

@Suite("compare command arguments")
struct CompareCommandTests {
    @Test("an unknown method, a bad target or a bad sweep is a usage error (exit 64)", arguments: [
        ["compare", "--target-acc-loss", "0.5", "--methods", "prune,bogus"],
        ["compare", "--target-acc-loss", "150"],
        ["compare", "--target-acc-loss", "0.5", "--methods", ","],
        ["compare", "--target-acc-loss", "0.5", "--plot", "p.svg", "--sweep", "0.1,x"],
        ["compare", "--target-acc-loss", "0.5", "--methods", "learn-error-bounds", "--learn-epochs", "0"],
        ["compare"],
    ])
    func usageErrors(arguments: [String]) {
        #expect(SZNNCommand.run(arguments: arguments) == 64)
    }

    @Test("learn-error-bounds retrains, so it runs only when named")
    func learnedOnlyWhenNamed() throws {
        #expect(try !CompareCommand.parse(["--target-acc-loss", "0.5"]).selectedMethods().contains(.learnErrorBounds))
        let named = try CompareCommand.parse(["--target-acc-loss", "0.5", "--methods", "learn-error-bounds,fisher", "--learn-epochs", "3"])
        #expect(try named.selectedMethods() == [.fisher, .learnErrorBounds])
        #expect(named.learnEpochs == 3)
    }

    @Test("--methods keeps table order, expands global-bound, and the error lists the valid names")
    func methodSelection() throws {
        let command = try CompareCommand.parse(["--target-acc-loss", "0.5", "--methods", "gradient,global-bound,prune"])
        #expect(try command.selectedMethods().map(\.rawValue) == ["prune", "global-bound-cabac", "global-bound-zstd", "gradient"])
        do {
            _ = try CompareCommand.parse(["--target-acc-loss", "0.5", "--methods", "bogus"])
            Issue.record("an unknown method was accepted")
        } catch {
            let message = CompareCommand.message(for: error)
            #expect(message.contains("unknown method 'bogus'") && message.contains("kmeans") && message.contains("deepsz"))
        }
    }
}
