import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow
import SZNNEngine

/// `sz-nn eval`: top-1 accuracy of saved weights on the MNIST validation and test splits.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Print the top-1 accuracy of weights on the MNIST validation and test splits.",
        discussion: """
        Validation is the last 5,000 images of the training file, test the 10,000 t10k images. \
        The network runs in inference mode (BatchNorm running statistics, no dropout). \
        --split validation halves the time of searches that only ever look at validation.
        """)

    /// The MNIST splits `eval` can measure.
    enum Split: String, ExpressibleByArgument, CaseIterable {
        case validation, test, both
    }

    @Option(name: .long, help: "The architecture file the weights belong to.")
    var model: String

    @Option(name: .long, help: "The weights: .safetensors, .npz or .sznn.")
    var weights: String

    @Option(name: .long, help: "Folder with the four MNIST .gz files.")
    var data: String = "Data/mnist"

    @Option(name: .long, parsing: .unconditional, help: "Images per inference batch.")
    var batchSize: Int = 128

    @Option(name: .long, parsing: .unconditional, help: "OpenBLAS threads.")
    var threads: Int = 2

    @Option(name: .long, help: "The split(s) to evaluate: validation, test or both.")
    var split: Split = .both

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        let weightsURL = URL(fileURLWithPath: weights)
        let network = try EngineBridge.makeNetwork(configurationAt: URL(fileURLWithPath: model), seed: 0)
        try EngineBridge.load(try EngineBridge.loadModel(at: weightsURL, budget: memory.budget), into: network,
                              fileName: weightsURL.lastPathComponent)
        let mnist = try EngineBridge.loadMNIST(from: URL(fileURLWithPath: data))
        let started = Date()
        let splits = [("validation", mnist.validation), ("test", mnist.test)].filter { split == .both || split.rawValue == $0.0 }
        let accuracies = try splits.map { name, dataset in
            (name, dataset.count, try EngineBridge.translatingErrors { try network.accuracy(on: dataset, batchSize: batchSize) })
        }
        let seconds = Date().timeIntervalSince(started)
        if json {
            var report: [String: Any] = ["model": network.name, "weights": weights]
            for (name, images, accuracy) in accuracies {
                report["\(name)_top1"] = accuracy
                report["\(name)_images"] = images
            }
            report["images_per_second"] = Double(accuracies.reduce(0) { $0 + $1.1 }) / max(seconds, 1e-9)
            try Terminal.printJSON(report)
        } else {
            print("\(network.name) — \(weightsURL.lastPathComponent)")
            for (name, images, accuracy) in accuracies {
                print("\((name + " top-1:").padding(toLength: 18, withPad: " ", startingAt: 0))\(Format.number(accuracy * 100)) % of \(images) images")
            }
        }
    }
}
