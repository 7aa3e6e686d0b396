import ArgumentParser
import Foundation
import SZNNCore
import SZNNTuner

/// `sz-nn compress`: a model file in, an error-bounded `.sznn` file out.
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Compress a model's weights within an error bound.",
        discussion: """
        Every float tensor is predicted, quantized so that |w - ŵ| <= bound for every element \
        (checked in the tensor's own dtype; values that cannot be held are stored exactly), and \
        entropy-coded. Integer tensors and float tensors smaller than --lossless-below elements \
        are stored losslessly. --config names a JSON file of per-tensor overrides (Configs/README.md).

        With --target-acc-loss P, sz-nn learns one bound per weight tensor instead: the smallest \
        model whose top-1 accuracy on the MNIST validation split drops by at most P percentage \
        points (a hard guarantee, measured on the file as written); test accuracy is reported \
        beside it. INPUT, --model and --data default to the embedded LeNet-5 and MNIST.
        """
    )

    @Argument(help: "The model to compress (.safetensors, .npz or .npy); with --target-acc-loss, default \(TuningDefaults.weights).")
    var input: String?

    @Option(name: .shortAndLong, help: "The .sznn file to write (written atomically); default: INPUT's name with .sznn, in the current folder.")
    var output: String?

    @Option(name: .long, help: "Learn per-tensor bounds so that validation top-1 drops by at most this many percentage points.")
    var targetAccLoss: Double?

    @Option(name: .long, help: "With --target-acc-loss: the architecture of the weights.")
    var model: String = TuningDefaults.architecture

    @Option(name: .long, help: "With --target-acc-loss: the folder with the MNIST .gz files.")
    var data: String = TuningDefaults.data

    @Option(name: .long, help: "With --target-acc-loss: gradient (Fisher start, then gradient descent) or fisher (closed form only).")
    var tuner: TuningMethod = .gradient

    @Option(name: .long, help: "With --target-acc-loss: gradient steps on the bounds.")
    var tuningSteps: Int = 240

    @Option(name: .long, help: "With --target-acc-loss: the random seed (noise, batches).")
    var seed: UInt64 = 0

    @Option(name: .long, help: "With --tuner gradient: the error model behind the gradients: uniform (e·U noise) or quantization (the real quantizer's error).")
    var surrogate: ErrorBoundTuner.Surrogate = .uniformNoise

    @Flag(name: .long, inversion: .prefixedNo,
          help: "With --target-acc-loss: give each input column of a dense layer (output channel of a convolution) its own Fisher-allocated bound (off by default: on the LeNets it does not pay for its bound vector).")
    var sliceBounds = false

    @Option(name: .long, help: "The error bound: absolute, or a fraction of each tensor's value range with --mode rel. 0 = lossless.")
    var errorBound: Double = 1e-3

    @Option(name: .long, help: "How --error-bound is read: abs or rel.")
    var mode: ErrorBoundMode = .absolute

    @Option(name: .long, help: "The predictor: auto (chosen per tensor by the estimated size of a sample), \(PredictorKind.allCases.map(\.name).joined(separator: ", ")).")
    var predictor: PredictorChoice = .automatic

    @OptionGroup var backend: BackendOptions

    @Option(name: .long, help: "Float tensors with fewer elements than this are stored losslessly.")
    var losslessBelow: Int = 256

    @Option(name: .long, help: "A JSON file of per-tensor overrides by name or glob (see Configs/README.md).")
    var config: String?

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if let targetAccLoss {
            guard targetAccLoss >= 0, targetAccLoss < 100 else {
                throw ValidationError("--target-acc-loss is in percentage points and must be in [0, 100); got \(targetAccLoss)")
            }
            guard tuningSteps > 0 else { throw ValidationError("--tuning-steps must be > 0") }
        } else if input == nil {
            throw ValidationError("give the model to compress, or --target-acc-loss to tune the embedded default")
        }
        guard errorBound.isFinite, errorBound >= 0 else {
            throw ValidationError("--error-bound must be a finite number >= 0 (0 means lossless); got \(errorBound)")
        }
        guard losslessBelow >= 0 else { throw ValidationError("--lossless-below must be >= 0") }
        guard URL(fileURLWithPath: outputPath).standardizedFileURL != URL(fileURLWithPath: inputPath).standardizedFileURL else {
            throw ValidationError("the output would overwrite the input; choose another -o")
        }
    }

    /// The weights to compress (the embedded default when tuning without INPUT).
    var inputPath: String { input ?? TuningDefaults.weights }

    /// The output path: -o, or INPUT's name with `.sznn` in the current folder.
    var outputPath: String {
        output ?? URL(fileURLWithPath: inputPath).deletingPathExtension().appendingPathExtension("sznn").lastPathComponent
    }

    func run() throws {
        if let targetAccLoss { return try runTuning(target: targetAccLoss) }
        let started = Date()
        let inputURL = URL(fileURLWithPath: inputPath)
        let sourceBytes = try ModelLoader.readBytes(inputURL)
        let model = try ModelFile.read(from: inputURL)
        let rule = CompressionPlan.Rule(mode: mode, errorBound: errorBound, predictor: predictor.kind)
        let plan = try config.map { try CompressionPlan.load(from: URL(fileURLWithPath: $0), defaultRule: rule, losslessBelowElements: losslessBelow) }
            ?? CompressionPlan(defaultRule: rule, losslessBelowElements: losslessBelow)
        let coder = try backend.make()
        let metadata: [String: Any] = [
            "tool": "sz-nn \(SZNNCommand.toolVersion)",
            "source_name": inputURL.lastPathComponent,
            "source_bytes": sourceBytes.count,
            "source_crc32": String(format: "%08x", sourceBytes.withUnsafeBytes { CRC32.checksum($0) }),
            "settings": ["mode": mode.rawValue, "error_bound": errorBound, "predictor": predictor.kind?.name ?? "auto",
                         "backend": coder.identifier.name, "config": config.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""],
        ]
        let container = try ModelCodec.compress(model, plan: plan, backend: coder, metadata: metadata,
                                                choosePredictor: { tensor, settings in
            try PredictorSelection.select(for: tensor, settings: settings, rate: Backends.rateFunction(of: coder))
        }) { done, total in
            Terminal.progress("compressing tensor \(min(done + 1, total))/\(total)")
        }
        Terminal.endProgress()
        let bytes = try ContainerEncoder.encode(container)
        try AtomicFile.write(bytes, to: URL(fileURLWithPath: outputPath))
        let report = ContainerReport(container, fileBytes: bytes.count)
        let seconds = Date().timeIntervalSince(started)
        if json {
            var object = report.json()
            object["seconds"] = seconds
            object["output"] = outputPath
            try Terminal.printJSON(object)
        } else {
            print(report.text())
            print("wrote \(outputPath): \(Format.bytes(bytes.count)) from \(Format.bytes(sourceBytes.count)) (\(Format.number(Double(sourceBytes.count) / Double(max(bytes.count, 1))))× of the input file) in \(Format.number(seconds, digits: 2)) s")
        }
    }
}

extension CompressCommand {
    /// Learns per-tensor bounds against the accuracy target, then compresses and verifies.
    func runTuning(target: Double) throws {
        var options = TuningOptions(targetAccuracyLoss: target)
        options.method = tuner
        options.steps = tuningSteps
        options.seed = seed
        options.surrogate = surrogate
        let run = TuningRun(weightsURL: URL(fileURLWithPath: inputPath), architectureURL: URL(fileURLWithPath: model),
                            dataURL: URL(fileURLWithPath: data), outputURL: URL(fileURLWithPath: outputPath),
                            options: options, backend: try backend.make(), sliceBounds: sliceBounds)
        try run.run().print(target: target, output: outputPath, json: json)
    }
}

/// The embedded defaults of `compress --target-acc-loss` (paths relative to the repository root).
enum TuningDefaults {
    static let weights = "Data/models/lenet5.safetensors"
    static let architecture = "Configs/models/lenet5.json"
    static let data = "Data/mnist"
}

extension TuningMethod: ExpressibleByArgument {}
extension ErrorBoundTuner.Surrogate: ExpressibleByArgument {}

/// The entropy-backend options shared by the commands that compress.
struct BackendOptions: ParsableArguments {
    @Option(name: .long, help: "The entropy backend: \(BackendName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: BackendName = .cabac

    // Level 1 by default: quantization indices are near-i.i.d., so zstd's deeper match search
    // finds nothing and its matches cost more than literals (1 is smaller *and* ~45 % faster
    // than 3 on the Laplace benchmark and on LeNet-5).
    @Option(name: .long, help: "The zstd compression level (1 … 22).")
    var zstdLevel: Int = 1

    func validate() throws {
        guard (1...22).contains(zstdLevel) else {
            throw ValidationError("--zstd-level must be in 1 … 22; got \(zstdLevel)")
        }
    }

    func make() throws -> any EntropyBackend { try Backends.make(backend, zstdLevel: zstdLevel) }
}
