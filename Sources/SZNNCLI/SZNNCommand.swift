import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow

/// The root `sz-nn` command: dispatches to one subcommand per file in `Commands/`.
public struct SZNNCommand: ParsableCommand {
    /// The version printed by `--version` and written into every `.sznn` file.
    public static let toolVersion = ToolVersion.current

    public static let configuration = CommandConfiguration(
        commandName: "sz-nn",
        abstract: "Error-bounded, self-adaptive compression of neural-network weights.",
        discussion: """
        Every reconstructed weight is within its error bound of the original. Exit codes: \
        0 success, 1 data or runtime error (including a broken bound in `verify`), 64 usage error.
        """,
        version: toolVersion,
        subcommands: [CompressCommand.self, DecompressCommand.self, InspectCommand.self, VerifyCommand.self,
                      TrainCommand.self, EvalCommand.self, CompareCommand.self, FederatedCommand.self]
    )

    public init() {}

    /// Parses `arguments`, runs the command and returns the process exit code.
    ///
    /// Every error prints as one line on standard error: sz-nn errors as
    /// `error E303: … — what to do` with exit 1, usage errors (argument-parser's and `validate()`'s)
    /// as `error E101: … — see 'sz-nn <command> --help'` with exit 64. `--help` and `--version`
    /// print their text and exit 0. SIGINT/SIGTERM remove the temporary file of a write under way.
    public static func run(arguments: [String]) -> Int32 {
        AtomicFile.installSignalCleanup()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as SZNNError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            return 1
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((usageLine(for: error, arguments: arguments) + "\n").utf8))
                return code.rawValue
            }
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let stream = code.rawValue == 0 ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message + "\n").utf8))
            }
            return code.rawValue
        }
    }

    /// The one-line E101 report of a usage error, pointing at the help of the command it concerns.
    static func usageLine(for error: any Error, arguments: [String]) -> String {
        let names = configuration.subcommands.map { $0.configuration.commandName ?? "" }
        let helpCommand = arguments.first(where: names.contains).map { "sz-nn \($0) --help" } ?? "sz-nn --help"
        // argument-parser's messages may span lines (suggestions, usage); the first one says what is wrong.
        let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
        let what = message.hasPrefix("Error: ") ? String(message.dropFirst("Error: ".count)) : message
        return SZNNError(.invalidArgument, what, hint: "see '\(helpCommand)'").description
    }
}
