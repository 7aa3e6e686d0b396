import Foundation
import SZNNCore
import Testing

/// Finding 4: SIGINT/SIGTERM while the output is being written leaves no hidden temporary.
@Suite("CLI interrupted by a signal")
struct CLISignalTests {
    /// Decompresses a model big enough that writing it takes a while, signals `sz-nn` as soon as
    /// its temporary appears, and checks that the process died of the signal and left no temporary.
    @Test("SIGTERM and SIGINT during the write leave no .tmp- file", arguments: [SIGTERM, SIGINT])
    func signalDuringWrite(signalNumber: Int32) throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let source = harness.directory.appendingPathComponent("big.safetensors")
        let values = [Float](repeating: 0.5, count: 4 << 20)
        try ModelFile.write(Model(tensors: [try Tensor(name: "weight", shape: [4096, 1024], float32: values)]), to: source)
        let compressed = try harness.run("compress", source.path, "-o", "big.sznn", "--backend", "zstd", "--error-bound", "0.01")
        #expect(compressed.status == 0, "\(compressed.standardError)")

        let binary = try #require(CLIHarness.binary, "sz-nn not found: run `swift build --build-tests` first")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["decompress", "big.sznn", "-o", "out.safetensors"]
        process.currentDirectoryURL = harness.directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var signalled = false
        while process.isRunning {
            if harness.contents().contains(where: { $0.contains(".tmp-") }) {
                kill(process.processIdentifier, signalNumber)
                signalled = true
                break
            }
            usleep(100)
        }
        process.waitUntilExit()
        #expect(signalled, "the write finished before its temporary was seen")
        if signalled {
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(process.terminationStatus == signalNumber)
            #expect(!harness.exists("out.safetensors"))
        }
        #expect(!harness.contents().contains(where: { $0.contains(".tmp-") }), "left behind: \(harness.contents())")
    }

    @Test("a signal before any write kills with the signal's status and leaves nothing", arguments: [SIGTERM, SIGINT])
    func signalBeforeWrite(signalNumber: Int32) throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let binary = try #require(CLIHarness.binary, "sz-nn not found: run `swift build --build-tests` first")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["compress", CLIHarness.model.path, "-o", "m.sznn"]
        process.currentDirectoryURL = harness.directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(!harness.contents().contains(where: { $0.contains(".tmp-") }), "left behind: \(harness.contents())")
    }
}
