import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow

/// `--base`: the model an update is coded against, shared by compress, decompress and verify.
///
/// Repeatable for a chain rather than reading an update's own base from inside it: a file
/// names no other file (it only recognises its base by digest), so the chain is spelled out
/// in order on the command line, and each link is checked against the digest of the one before.
struct BaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The base model (.safetensors, .npz or .sznn) the update is coded against; repeat for a chain.",
        discussion: "A chain is given in order: --base base.sznn --base update1.sznn means update1.sznn decoded against base.sznn. A .sznn base counts as the weights it decodes to.",
        valueName: "file"))
    var base: [String] = []

    /// Whether any `--base` was given.
    var isSpecified: Bool { !base.isEmpty }

    /// The names of the base files, for the update's metadata (informational: the digest recognises the base).
    var names: [String] { base.map { URL(fileURLWithPath: $0).lastPathComponent } }

    /// The model the chain gives, or nil without `--base`.
    func load(budget: DecodeBudget? = nil) throws -> Model? {
        try ModelLoader.loadBase(base.map { URL(fileURLWithPath: $0) }, budget: budget)
    }
}
