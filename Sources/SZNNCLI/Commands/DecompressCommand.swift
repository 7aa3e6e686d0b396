import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow

/// `sz-nn decompress`: a `.sznn` file back to a model file.
struct DecompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decompress",
        abstract: "Reconstruct the weights of a .sznn file as .safetensors, .npz or .onnx.",
        discussion: HelpExamples.discussion("""
        Every checksum is verified before a weight is written; the output is written atomically. \
        A .sznn made from an ONNX model stores its graph: -o model.onnx gives back a runnable ONNX file \
        whose graph is the original's and whose initializers are the reconstructed weights. \
        An update (compress --base) needs the same --base it was made with (E701 without it, E702 \
        for another base).
        """, examples: [
            ("back to safetensors", "sz-nn decompress model.sznn -o model.safetensors"),
            ("an update, against the base it was made from", "sz-nn decompress update.sznn --base base.sznn -o new.safetensors"),
            ("a .sznn made from an ONNX model, back to a runnable ONNX file", "sz-nn decompress model.sznn -o model.onnx"),
        ])
    )

    @Argument(help: "The .sznn file.")
    var input: String

    @Option(name: .shortAndLong, help: "The file to write: .safetensors, .npz or .onnx (format from the extension; .onnx needs a .sznn made from an ONNX model).")
    var output: String

    /// The model an update file was coded against.
    @OptionGroup var baseOptions: BaseOptions

    @OptionGroup var memory: MemoryOptions

    @OptionGroup var sharding: ShardOptions

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        let outputExtension = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard ModelFile.writableExtensions.contains(outputExtension) else {
            throw ValidationError("-o must end in .safetensors, .npz or .onnx; got '\(output)'")
        }
        if let size = sharding.maxShardSize {
            guard outputExtension == "safetensors", size.value > 0 else {
                throw ValidationError("--max-shard-size needs -o NAME.safetensors and a size above 0")
            }
            guard !baseOptions.isSpecified else {
                throw ValidationError("--max-shard-size cannot be combined with --base (an update is decoded in memory); decode it to one file first")
            }
        }
    }

    func run() throws {
        threadOptions.apply()
        let started = Date()
        let inputURL = URL(fileURLWithPath: input)
        // An update is decoded in memory against its base; anything else to safetensors streams.
        if !baseOptions.isSpecified, URL(fileURLWithPath: output).pathExtension.lowercased() == "safetensors" {
            return try runStreaming(inputURL, started: started)
        }
        let container = try ModelLoader.readContainer(inputURL)
        let model = try ModelLoader.decompress(container, from: inputURL, budget: memory.budget, base: try baseOptions.load(budget: memory.budget))
        try ModelFile.write(model, to: URL(fileURLWithPath: output))
        let elements = model.tensors.reduce(0) { $0 + $1.elementCount }
        print("wrote \(output): \(model.tensors.count) tensors, \(elements) elements in \(Format.number(Date().timeIntervalSince(started), digits: 2)) s")
    }
}
