import ArgumentParser
import Foundation
import SZNNCore
import SZNNEngine

/// `sz-nn eval`: top-1 accuracy of saved weights on the MNIST validation and test splits.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Print the top-1 accuracy of weights on the MNIST validation and test splits.",
        discussion: """
        Validation is the last 5,000 images of the training file, test the 10,000 t10k images. \
        The network runs in inference mode (BatchNorm running statistics, no dropout).
        """)

    @Option(name: .long, help: "The architecture file the weights belong to.")
    var model: String

    @Option(name: .long, help: "The weights: .safetensors, .npz or .sznn.")
    var weights: String

    @Option(name: .long, help: "Folder with the four MNIST .gz files.")
    var data: String = "Data/mnist"

    @Option(name: .long, help: "Images per inference batch.")
    var batchSize: Int = 128

    @Option(name: .long, help: "OpenBLAS threads.")
    var threads: Int = 2

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        let weightsURL = URL(fileURLWithPath: weights)
        let network = try EngineBridge.makeNetwork(configurationAt: URL(fileURLWithPath: model), seed: 0)
        try EngineBridge.load(try EngineBridge.loadModel(at: weightsURL), into: network,
                              fileName: weightsURL.lastPathComponent)
        let mnist = try EngineBridge.loadMNIST(from: URL(fileURLWithPath: data))
        let started = Date()
        let validation = try EngineBridge.translatingErrors { try network.accuracy(on: mnist.validation, batchSize: batchSize) }
        let test = try EngineBridge.translatingErrors { try network.accuracy(on: mnist.test, batchSize: batchSize) }
        let seconds = Date().timeIntervalSince(started)
        if json {
            try Terminal.printJSON([
                "model": network.configuration.name, "weights": weights,
                "validation_top1": validation, "test_top1": test,
                "validation_images": mnist.validation.count, "test_images": mnist.test.count,
                "images_per_second": Double(mnist.validation.count + mnist.test.count) / max(seconds, 1e-9),
            ])
        } else {
            print("\(network.configuration.name) — \(weightsURL.lastPathComponent)")
            print("validation top-1: \(Format.number(validation * 100)) % of \(mnist.validation.count) images")
            print("test top-1:       \(Format.number(test * 100)) % of \(mnist.test.count) images")
        }
    }
}
