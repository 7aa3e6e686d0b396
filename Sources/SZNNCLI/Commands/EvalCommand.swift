import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow
import SZNNEngine

/// `sz-nn eval`: top-1 accuracy of saved weights on the validation and test splits of --data.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Print the top-1 accuracy of weights on the validation and test splits of --data (MNIST by default).",
        discussion: HelpExamples.discussion("""
        For MNIST, validation is the last 5,000 images of the training file, test the 10,000 t10k \
        images; for a .npz see --data. The network runs in inference mode (BatchNorm running \
        statistics, no dropout). --split validation halves the time of searches that only ever \
        look at validation. --predictions writes the top-1 class of every evaluated example as an \
        int64 .npy: the validation examples, then the test examples (with --split both and a \
        single x, that is x's own order).
        """, examples: [
            ("the embedded LeNet-5 (no option needed), then a compressed copy of it", "sz-nn eval\n  sz-nn eval --weights lenet5.sznn"),
            ("an ONNX model on your own labelled examples", "sz-nn eval --model resnet.onnx --data test.npz"),
            ("a compressed ONNX model, writing its top-1 predictions", "sz-nn eval --weights resnet.sznn --data test.npz --predictions predicted.npy"),
            ("an update, decoded against its base", "sz-nn eval --model Configs/models/lenet5.json --weights update.sznn --base lenet5.safetensors"),
        ]))

    /// The splits `eval` can measure.
    enum Split: String, ExpressibleByArgument, CaseIterable {
        case validation, test, both
    }

    @Option(name: .long, help: ArgumentHelp("The architecture: a .json configuration (Configs/models) or an .onnx model (its graph, and its weights unless --weights is given).",
                                            valueName: "file.json|file.onnx"))
    var model: String?

    @Option(name: .long, help: "The weights: .safetensors, .npz, .onnx or .sznn (a .sznn made from an ONNX model needs no --model).")
    var weights: String?

    @OptionGroup var dataOptions: DataOptions

    @Option(name: .long, parsing: .unconditional, help: "Images per inference batch.")
    var batchSize: Int = 128

    @Option(name: .long, parsing: .unconditional, help: "OpenBLAS and codec threads (default: the machine's cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "The split(s) to evaluate: validation, test or both.")
    var split: Split = .both

    @Option(name: .long, help: ArgumentHelp("Write the top-1 prediction of every evaluated example (int64 .npy, validation then test).",
                                            valueName: "file.npy"))
    var predictions: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    /// The model an update file --weights was coded against.
    @OptionGroup var baseOptions: BaseOptions

    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        if model == nil && weights == nil { throw ValidationError("give --model (.json or .onnx), --weights, or both") }
        if let model, model.lowercased().hasSuffix(".json"), weights == nil {
            throw ValidationError("a .json configuration has no weights: add --weights")
        }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let predictions, URL(fileURLWithPath: predictions).pathExtension.lowercased() != "npy" {
            throw ValidationError("--predictions must end in .npy")
        }
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        ParallelMap.threadCount = threads
        if let predictions { try OutputPath.checkWritable(predictions) }
        let weightsURL = URL(fileURLWithPath: weights ?? model ?? "")
        let base = try baseOptions.load(budget: memory.budget)
        let network = try EngineBridge.network(architecture: model.map { URL(fileURLWithPath: $0) },
                                               weights: try weights.map { try EngineBridge.loadModel(at: URL(fileURLWithPath: $0), budget: memory.budget, base: base) },
                                               weightsName: weightsURL.lastPathComponent)
        let examples = try dataOptions.labelled(for: network)
        Terminal.endProgress()
        let started = Date()
        let splits = [examples.validation, examples.test].filter { split == .both || split.rawValue == $0.name }
        let predicted = try splits.map { try LabelledData.predictions(of: network, on: $0, batchSize: batchSize) }
        let seconds = Date().timeIntervalSince(started)
        let accuracies = zip(splits, predicted).map { ($0.name, $0.count, LabelledData.accuracy(of: $1, on: $0)) }
        if let predictions { try PredictionsFile.write(predicted.flatMap { $0 }, to: URL(fileURLWithPath: predictions)) }
        if json {
            var report: [String: Any] = ["model": network.name, "weights": weights ?? model ?? "", "data": examples.description.jsonObject]
            for (name, images, accuracy) in accuracies {
                report["\(name)_top1"] = accuracy
                report["\(name)_images"] = images
            }
            report["images_per_second"] = Double(accuracies.reduce(0) { $0 + $1.1 }) / max(seconds, 1e-9)
            if let predictions { report["predictions"] = ["file": predictions, "splits": splits.map(\.name)] }
            try Terminal.printJSON(report)
        } else {
            print("\(network.name) — \(weightsURL.lastPathComponent)")
            examples.description.summaryLines.forEach { print($0) }
            for (name, images, accuracy) in accuracies {
                print("\((name + " top-1:").padding(toLength: 18, withPad: " ", startingAt: 0))\(Format.number(accuracy * 100)) % of \(images) images")
            }
            if let predictions { print("wrote \(predictions): predictions of \(splits.map(\.name).joined(separator: " then "))") }
        }
    }
}
