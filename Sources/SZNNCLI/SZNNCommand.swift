import ArgumentParser
import Foundation
import SZNNCore

/// The root `sz-nn` command: dispatches to one subcommand per file in `Commands/`.
public struct SZNNCommand: ParsableCommand {
    /// The version printed by `--version` and written into every `.sznn` file.
    public static let toolVersion = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "sz-nn",
        abstract: "Error-bounded, self-adaptive compression of neural-network weights.",
        discussion: """
        Every reconstructed weight is within its error bound of the original. Exit codes: \
        0 success, 1 data or runtime error (including a broken bound in `verify`), 64 usage error.
        """,
        version: toolVersion,
        subcommands: [CompressCommand.self, DecompressCommand.self, InspectCommand.self, VerifyCommand.self,
                      TrainCommand.self, EvalCommand.self, CompareCommand.self]
    )

    public init() {}

    /// Parses `arguments`, runs the command and returns the process exit code.
    ///
    /// sz-nn errors print as one line (`error E303: … — what to do`) and exit 1; usage errors
    /// are swift-argument-parser's (exit 64 with the usage text).
    public static func run(arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as SZNNError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            return 1
        } catch {
            let code = exitCode(for: error).rawValue
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let stream = code == 0 ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message + "\n").utf8))
            }
            return code
        }
    }
}
