import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow

/// `sz-nn decompress`: a `.sznn` file back to a model file.
struct DecompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decompress",
        abstract: "Reconstruct the weights of a .sznn file as .safetensors or .npz.",
        discussion: "Every checksum is verified before a weight is written; the output is written atomically."
    )

    @Argument(help: "The .sznn file.")
    var input: String

    @Option(name: .shortAndLong, help: "The file to write: .safetensors or .npz (format from the extension).")
    var output: String

    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        let outputExtension = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard ["safetensors", "npz"].contains(outputExtension) else {
            throw ValidationError("-o must end in .safetensors or .npz; got '\(output)'")
        }
    }

    func run() throws {
        let started = Date()
        let inputURL = URL(fileURLWithPath: input)
        let model = try ModelLoader.decompress(try ModelLoader.readContainer(inputURL), from: inputURL, budget: memory.budget)
        try ModelFile.write(model, to: URL(fileURLWithPath: output))
        let elements = model.tensors.reduce(0) { $0 + $1.elementCount }
        print("wrote \(output): \(model.tensors.count) tensors, \(elements) elements in \(Format.number(Date().timeIntervalSince(started), digits: 2)) s")
    }
}
