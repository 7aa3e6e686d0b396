import ArgumentParser
import Foundation
import SZNNBaselines
import SZNNCABAC
import SZNNCore
import SZNNTuner
import SZNNWorkflow
import SZNNZstd

/// `sz-nn compare`: sz-nn beside classic compression methods, each searched to its best ratio under one accuracy target.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare sz-nn with pruning, int-k, k-means, low rank and DeepSZ under one accuracy target.",
        discussion: HelpExamples.discussion("""
        Every method is searched for its smallest model whose top-1 accuracy on the --data (default MNIST) \
        validation split drops by at most --target-acc-loss percentage points; every row is \
        verified by decoding the bytes it counts and evaluating them on validation and test. \
        Ratio = float32 bytes of all parameters / every byte stored (biases, scales, codebooks, \
        headers). int8 and int4 have no knob: they are reported whether or not they meet the \
        target. Methods: \(CompareCommand.methodNames.joined(separator: ", ")) (global-bound \
        means both backends); all but learn-error-bounds run by default. learn-error-bounds is \
        `train --learn-error-bounds` from the given weights: it retrains them (--learn-epochs \
        epochs at a fifth of the configuration's learning rate), so it takes minutes and runs \
        only when named. --plot writes an SVG of ratio against accuracy loss over the \
        targets of --sweep. --model, --weights and --data default to the embedded LeNet-5 and MNIST.
        """, examples: [
            ("every method on the embedded LeNet-5 at 0.5 pp", "sz-nn compare --target-acc-loss 0.5"),
            ("two methods, a sweep and its plot", "sz-nn compare --methods fisher,prune --sweep 0.25,0.5,1 --plot compare.svg"),
        ])
    )

    @Option(name: .long, parsing: .unconditional, help: "The largest allowed validation top-1 drop, in percentage points.")
    var targetAccLoss: Double

    @Option(name: .long, help: "The architecture of the weights: a .json configuration or an .onnx model.")
    var model: String = TuningDefaults.architecture

    @Option(name: .long, help: "The weights to compress (.safetensors, .npz, .npy, .onnx or .sznn); default: an .onnx --model's own, else \(TuningDefaults.weights).")
    var weights: String?

    /// The examples the methods are measured on.
    @OptionGroup var dataOptions: DataOptions

    @Option(name: .long, help: "Comma-separated methods to run (default: all but learn-error-bounds).")
    var methods: String?

    @Option(name: .long, help: "Write an SVG chart of ratio against accuracy loss, sweeping the targets of --sweep.")
    var plot: String?

    @Option(name: .long, help: "With --plot: comma-separated targets (percentage points) to sweep.")
    var sweep: String = "0.1,0.25,0.5,1,2"

    @Option(name: .long, parsing: .unconditional, help: "Gradient steps of sz-nn's gradient tuner.")
    var tuningSteps: Int = 240

    @Option(name: .long, parsing: .unconditional, help: "Epochs of compression-aware training for the learn-error-bounds method.")
    var learnEpochs: Int = 2

    @Option(name: .long, help: "The random seed of sz-nn's tuner.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Print the results as JSON.")
    var json = false

    @Option(name: .long, help: "Also write the JSON report (with the sweep's rows) to this file, beside the printed output.")
    var jsonOutput: String?

    /// Names accepted by --methods: each method, and global-bound for both of its backends.
    static let methodNames = ["prune", "int8", "int4", "kmeans", "svd", "global-bound", "global-bound-cabac",
                              "global-bound-zstd", "deepsz", "fisher", "gradient", "learn-error-bounds"]

    func validate() throws {
        guard targetAccLoss.isFinite, targetAccLoss >= 0, targetAccLoss < 100 else {
            throw ValidationError("--target-acc-loss is in percentage points and must be in [0, 100); got \(targetAccLoss)")
        }
        _ = try selectedMethods()
        if plot != nil { _ = try sweepTargets() }
        guard tuningSteps > 0 else { throw ValidationError("--tuning-steps must be > 0") }
        guard learnEpochs > 0 else { throw ValidationError("--learn-epochs must be > 0") }
    }

    /// The methods of --methods, in table order, without repeats.
    func selectedMethods() throws -> [MethodName] {
        guard let methods else { return MethodName.postTraining }
        var chosen = Set<MethodName>()
        for raw in methods.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces)
            if name == "global-bound" {
                chosen.formUnion([.globalBoundCABAC, .globalBoundZstd])
            } else if let method = MethodName(rawValue: name) {
                chosen.insert(method)
            } else {
                throw ValidationError("unknown method '\(name)' in --methods; valid: \(CompareCommand.methodNames.joined(separator: ", "))")
            }
        }
        guard !chosen.isEmpty else { throw ValidationError("--methods names no method; valid: \(CompareCommand.methodNames.joined(separator: ", "))") }
        return MethodName.allCases.filter(chosen.contains)
    }

    /// The targets of --sweep, ascending, with --target-acc-loss among them.
    func sweepTargets() throws -> [Double] {
        var targets = Set([targetAccLoss])
        for raw in sweep.split(separator: ",") {
            guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0, value < 100 else {
                throw ValidationError("--sweep must be comma-separated percentage points in [0, 100); got '\(raw)'")
            }
            targets.insert(value)
        }
        return targets.sorted()
    }

    func run() throws {
        for path in [plot, jsonOutput].compactMap({ $0 }) { try OutputPath.checkWritable(path) }
        let run = try CompareRun(architectureURL: URL(fileURLWithPath: DefaultResources.locate(model)),
                                 weightsURL: URL(fileURLWithPath: DefaultResources.locate(weights ?? (model.lowercased().hasSuffix(".onnx") ? model : TuningDefaults.weights))),
                                 data: dataOptions, methods: selectedMethods(),
                                 tuningSteps: tuningSteps, learnEpochs: learnEpochs, seed: seed)
        let main = try run.run(target: targetAccLoss)
        var swept: [ComparisonRow] = []
        if let plot {
            for target in try sweepTargets() {
                swept += target == targetAccLoss ? main.rows : try run.run(target: target).rows
            }
            let chart = ComparisonPlot(title: "\(run.architectureName): compression ratio against accuracy loss", rows: swept, target: targetAccLoss)
            try AtomicFile.write(Data(chart.svg().utf8), to: URL(fileURLWithPath: plot))
        }
        Terminal.endProgress()
        let report = run.json(main: main, target: targetAccLoss, swept: swept)
        if let jsonOutput {
            try AtomicFile.write(try Terminal.jsonData(report) + Data("\n".utf8), to: URL(fileURLWithPath: jsonOutput))
        }
        if json {
            try Terminal.printJSON(report)
        } else {
            print(run.text(main: main, target: targetAccLoss))
            if let plot { print("wrote \(plot) (\(swept.count) rows over targets \(try sweepTargets().map { Format.number($0) }.joined(separator: ", ")) pp)") }
        }
    }
}
