import ArgumentParser
import Foundation
import SZNNCore
import SZNNFederated
import SZNNWorkflow

/// `sz-nn federated`: FedAvg on MNIST with every update coded (error-bounded DeepCABAC deltas or a baseline), method beside method.
struct FederatedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federated",
        abstract: "Federated averaging with error-bounded, self-adaptive update compression, against baselines.",
        discussion: HelpExamples.discussion("""
        --clients clients start from the same seeded initial weights of --model, take --local-steps \
        SGD steps per round on their share of the training split (--split iid, or non-iid: two \
        label-sorted shards each), upload their weight deltas, and the server broadcasts the mean \
        delta back. Every message is really encoded to bytes and decoded; uploads and downloads keep \
        what their codec cut off and add it to the next message (error feedback).

        Methods (--methods, run one after the other on the same data and initial weights): fedavg \
        (32-bit, once per round), topk (DGC-style top-k, --sparse-fraction, Golomb–Rice positions, \
        float32 values), sbc (sparse binary compression: top-k of one sign at its mean), eb \
        (sz-nn: per-layer bound = α × RMS of the layer's update plus residual, DeepCABAC; α = \
        --relative-bound) and eb-loss (the same with α adapted every round against the clients' \
        training loss: grows while the loss falls, shrinks when it stalls, within [α/2, 2α]).

        Factor, as the DeepCABAC federated table: the bits an uncompressed synchronous SGD run \
        exchanges (every parameter at 32 bits, up and down, every local step, every client) over \
        the bits sent (uploads + each client's download). One line per round on standard error; \
        --log writes every round as JSON, --plot an SVG of accuracy against total bits.
        """, examples: [
            ("every method, 10 iid clients, a JSON log and the plot", "sz-nn federated --rounds 20 --local-steps 10 --log federated.json --plot federated.svg"),
            ("the error-bounded method alone on non-iid clients", "sz-nn federated --methods eb --split non-iid --rounds 30"),
        ]))

    @Option(name: .long, help: "The architecture: a .json configuration, trained from its seeded initial weights.")
    var model = "Configs/models/lenet5.json"

    @OptionGroup var dataOptions: DataOptions

    @Option(name: .long, help: "Comma-separated methods: fedavg, topk, sbc, eb, eb-loss.")
    var methods = "fedavg,topk,sbc,eb,eb-loss"

    @Option(name: .long, parsing: .unconditional, help: "Number of clients.")
    var clients = FederatedSettings().clients

    @Option(name: .long, parsing: .unconditional, help: "Communication rounds.")
    var rounds = FederatedSettings().rounds

    @Option(name: .long, parsing: .unconditional, help: "SGD steps each client takes per round.")
    var localSteps = FederatedSettings().localSteps

    @Option(name: .long, parsing: .unconditional, help: "Images per local step.")
    var batchSize = FederatedSettings().batchSize

    @Option(name: .customLong("lr"), parsing: .unconditional, help: "The clients' SGD learning rate.")
    var learningRate = FederatedSettings().learningRate

    @Option(name: .customLong("lr-decay"), parsing: .unconditional, help: "The factor the learning rate is multiplied by after every round, in (0, 1]; 1 keeps it constant.")
    var learningRateDecay = FederatedSettings().learningRateDecay

    @Option(name: .long, parsing: .unconditional, help: "The clients' SGD momentum.")
    var momentum = FederatedSettings().momentum

    @Option(name: .long, parsing: .unconditional, help: "The clients' L2 weight decay.")
    var weightDecay = FederatedSettings().weightDecay

    @Option(name: .long, help: "How the training split is dealt: iid or non-iid.")
    var split = FederatedSettings().split

    @Option(name: .long, parsing: .unconditional, help: "topk and sbc: the share of each layer's values kept, in (0, 1].")
    var sparseFraction = FederatedSettings().sparseFraction

    @Option(name: .long, parsing: .unconditional, help: "eb and eb-loss: the (first) bound scale α; bound = α × RMS of the layer's update plus residual.")
    var relativeBound = FederatedSettings().relativeBound

    @Option(name: .long, parsing: .unconditional, help: "eb and eb-loss: the download's α as a multiple of the uploads'.")
    var downloadBoundScale = FederatedSettings().downloadBoundScale

    @Option(name: .long, parsing: .unconditional, help: "Test images scored after each round (the final score uses the whole test split).")
    var roundTestImages = FederatedSettings().roundTestImages

    @Option(name: .long, help: "Seed for initialisation, dealing and batches.")
    var seed = FederatedSettings().seed

    @Option(name: .long, help: "Write every round of every method as JSON to this file.")
    var log: String?

    @Option(name: .long, help: "Write an SVG of test accuracy against total bits (log scale) to this file.")
    var plot: String?

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        do {
            _ = try FederatedMethod.parseList(methods)
            try settings().validate()
        } catch let error as SZNNError {
            throw ValidationError(error.message)
        }
    }

    func settings() -> FederatedSettings {
        var settings = FederatedSettings()
        settings.clients = clients
        settings.rounds = rounds
        settings.localSteps = localSteps
        settings.batchSize = batchSize
        settings.learningRate = learningRate
        settings.learningRateDecay = learningRateDecay
        settings.momentum = momentum
        settings.weightDecay = weightDecay
        settings.split = split
        settings.sparseFraction = sparseFraction
        settings.relativeBound = relativeBound
        settings.downloadBoundScale = downloadBoundScale
        settings.roundTestImages = roundTestImages
        settings.seed = seed
        return settings
    }

    func run() throws {
        threadOptions.apply()
        for path in [log, plot].compactMap({ $0 }) { try OutputPath.checkWritable(path) }
        let settings = settings()
        let modelURL = URL(fileURLWithPath: DefaultResources.locate(model))
        let probe = try EngineBridge.makeNetwork(configurationAt: modelURL, seed: settings.seed)
        let examples = try dataOptions.labelled(for: probe)
        Terminal.endProgress()
        Terminal.log("federated \(probe.name) (\(probe.trainableParameterCount) parameters) on \(examples.training.count) training images: \(settings.summary)")
        var results: [FederatedResult] = []
        for method in try FederatedMethod.parseList(methods) {
            // Every method starts from the same seeded weights.
            let network = try EngineBridge.makeNetwork(configurationAt: modelURL, seed: settings.seed)
            let run = try FederatedRun(network: network, training: examples.training, test: examples.test, settings: settings, method: method)
            let result = try EngineBridge.translatingErrors { try run.run(events: { Terminal.log($0.line) }) }
            Terminal.log("\(method.rawValue): final test top-1 \(Format.number(result.finalTestAccuracy * 100)) % on \(result.testImages) images, factor ×\(Format.number(result.ledger.factor, digits: 0))")
            results.append(result)
        }
        print(FederatedResult.table(results))
        if let log {
            try AtomicFile.write(try Terminal.jsonData(FederatedResult.jsonLog(results, settings: settings, model: probe.name)), to: URL(fileURLWithPath: log))
        }
        if let plot {
            let chart = FederatedPlot(title: "FedAvg on MNIST, \(probe.name), \(settings.clients) \(settings.split.rawValue) clients", results: results)
            try AtomicFile.write(Data(chart.svg().utf8), to: URL(fileURLWithPath: plot))
        }
    }
}

extension FederatedSettings.Split: ExpressibleByArgument {}
