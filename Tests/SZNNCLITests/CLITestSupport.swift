import Foundation
import Testing

/// Runs the built `sz-nn` binary as a subprocess, in a fresh temporary directory per test.
struct CLIHarness {
    /// What one run printed and returned.
    struct Outcome {
        let status: Int32
        let standardOutput: String
        let standardError: String
        /// The lines of standard error that report an sz-nn error (`error E…`).
        var errorLines: [String] { standardError.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error E") } }
    }

    /// The `sz-nn` binary: next to the test bundle, else in the nearest `.build/debug` above this file.
    static let binary: URL? = {
        let fileManager = FileManager.default
        let besideBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sz-nn")
        if fileManager.isExecutableFile(atPath: besideBundle.path) { return besideBundle }
        // `swift test` may run the bundle through a helper whose argv[0] is elsewhere; walk up instead.
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(".build/debug/sz-nn")
            if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    /// The committed fixtures directory `Tests/Fixtures`.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The fixture model every end-to-end test compresses.
    static let model = fixtures.appendingPathComponent("sznn/model.safetensors")

    /// A fresh empty directory for this test's outputs.
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sznn-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Removes the temporary directory.
    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    /// A path inside the temporary directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Whether a file exists in the temporary directory.
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// The names in the temporary directory (to check that a failed command left nothing behind).
    func contents() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted() ?? [] }

    /// Runs `sz-nn arguments…` to completion.
    func run(_ arguments: String...) throws -> Outcome { try run(arguments) }

    /// Runs `sz-nn` with `arguments` to completion.
    func run(_ arguments: [String]) throws -> Outcome {
        let binary = try #require(CLIHarness.binary, "sz-nn not found: run `swift build --build-tests` first")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let outputFile = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errorFile = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outputFile)
            try? FileManager.default.removeItem(at: errorFile)
        }
        // Files rather than pipes: a full pipe would block the child while we wait for it.
        let output = try FileHandle(forWritingTo: outputFile)
        let error = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        try output.close()
        try error.close()
        return Outcome(status: process.terminationStatus,
                       standardOutput: String(decoding: try Data(contentsOf: outputFile), as: UTF8.self),
                       standardError: String(decoding: try Data(contentsOf: errorFile), as: UTF8.self))
    }

    /// Parses standard output as a JSON object.
    static func json(_ outcome: Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    }
}
