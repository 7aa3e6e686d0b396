import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow
import SZNNTuner

/// `sz-nn compress`: a model file in, an error-bounded `.sznn` file out.
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Compress a model's weights within an error bound.",
        discussion: HelpExamples.discussion("""
        Every float tensor is predicted, quantized so that |w - ŵ| <= bound for every element \
        (checked in the tensor's own dtype; values that cannot be held are stored exactly), and \
        entropy-coded. Integer tensors and float tensors smaller than --lossless-below elements \
        are stored losslessly. --config names a JSON file of per-tensor overrides (Configs/README.md).

        With --target-acc-loss P, sz-nn learns one bound per weight tensor instead: the smallest \
        model whose top-1 accuracy on the validation split of --data (MNIST by default) drops by at most P percentage \
        points (a hard guarantee, measured on the file as written); test accuracy is reported \
        beside it. INPUT, --model and --data default to the embedded LeNet-5 and MNIST.

        With --base, the file is an update: every tensor the base has with the same name, dtype and \
        shape is coded as its difference from the base's weights (a .sznn base: the weights it decodes \
        to), the bound still holding for INPUT's weights; other tensors are coded standalone. The file \
        records the SHA-256 of the base tensors it uses; decompress and verify need the same --base.
        """, examples: [
            ("the embedded LeNet-5, losing at most 0.5 pp of MNIST validation top-1", "sz-nn compress --target-acc-loss 0.5 -o lenet5.sznn"),
            ("your ONNX model and labelled .npz, tuned to 1 pp", "sz-nn compress model.onnx --data val.npz --target-acc-loss 1 -o model.sznn"),
            ("one absolute bound for every tensor", "sz-nn compress model.safetensors --error-bound 1e-3 -o model.sznn"),
            ("a bound relative to each tensor's range, coded with zstd", "sz-nn compress model.safetensors --error-bound 1e-4 --mode rel --backend zstd"),
            ("a fine-tuned model as an update of its base", "sz-nn compress new.safetensors --base base.sznn --error-bound 1e-3 -o update.sznn"),
        ])
    )

    @Argument(help: "The model to compress (.safetensors, .npz or .npy); with --target-acc-loss, default \(TuningDefaults.weights).")
    var input: String?

    @Option(name: .shortAndLong, help: "The .sznn file to write (written atomically); default: INPUT's name with .sznn, in the current folder.")
    var output: String?

    @Option(name: .long, parsing: .unconditional, help: "Learn per-tensor bounds so that validation top-1 drops by at most this many percentage points.")
    var targetAccLoss: Double?

    @Option(name: .long, help: "With --target-acc-loss: the architecture of the weights (default \(TuningDefaults.architecture)).")
    var model: String?

    /// With --target-acc-loss: the examples the drop is measured on.
    @OptionGroup var dataOptions: DataOptions

    /// With --target-acc-loss: how the bounds are searched.
    @OptionGroup var tuning: TuningArguments

    @Option(name: .long, parsing: .unconditional, help: "The error bound: absolute, or a fraction of each tensor's value range with --mode rel. 0 = lossless. Default 1e-3; without --target-acc-loss only.")
    var errorBound: Double?

    @Option(name: .long, help: "How --error-bound is read: abs (the default) or rel.")
    var mode: ErrorBoundMode?

    @Option(name: .long, help: "The predictor: auto (chosen per tensor by the estimated size of a sample), \(PredictorKind.allCases.map(\.name).joined(separator: ", ")). Default auto; without --target-acc-loss only.")
    var predictor: PredictorChoice?

    @OptionGroup var backend: BackendOptions

    /// The model the output is an update of.
    @OptionGroup var baseOptions: BaseOptions

    @Option(name: .long, parsing: .unconditional, help: "Float tensors with fewer elements than this are stored losslessly (also when tuning).")
    var losslessBelow: Int = 256

    @Option(name: .long, help: "A JSON file of per-tensor overrides by name or glob (see Configs/README.md). When tuning, its lossless rules and fixed bounds are kept and those tensors are not tuned.")
    var config: String?

    @OptionGroup var threadOptions: ThreadOptions

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if let targetAccLoss {
            guard targetAccLoss >= 0, targetAccLoss < 100 else {
                throw ValidationError("--target-acc-loss is in percentage points and must be in [0, 100); got \(targetAccLoss)")
            }
            let fixedBoundOptions = [("--error-bound", errorBound != nil), ("--mode", mode != nil), ("--predictor", predictor != nil)]
            if let given = fixedBoundOptions.first(where: \.1) {
                throw ValidationError("\(given.0) does not apply with --target-acc-loss: the tuner learns the bounds; pin a tensor's bound or predictor with --config")
            }
        } else {
            guard input != nil else { throw ValidationError("give the model to compress, or --target-acc-loss to tune the embedded default") }
            let tuningOptions = [("--model", model != nil), ("--data (and --validation-split, --scale, --normalize)", dataOptions.isSpecified)]
                + tuning.given
            if let given = tuningOptions.first(where: \.1) {
                throw ValidationError("\(given.0) applies only with --target-acc-loss")
            }
        }
        if let errorBound, !(errorBound.isFinite && errorBound >= 0) {
            throw ValidationError("--error-bound must be a finite number >= 0 (0 means lossless); got \(errorBound)")
        }
        guard losslessBelow >= 0 else { throw ValidationError("--lossless-below must be >= 0") }
        let outputURL = URL(fileURLWithPath: outputPath).standardizedFileURL
        guard outputURL != URL(fileURLWithPath: inputPath).standardizedFileURL else {
            throw ValidationError("the output would overwrite the input; choose another -o")
        }
        guard !baseOptions.base.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL == outputURL }) else {
            throw ValidationError("the output would overwrite a --base file; choose another -o")
        }
    }

    /// The weights to compress (the embedded default when tuning without INPUT).
    var inputPath: String { input ?? DefaultResources.locate(TuningDefaults.weights) }

    /// The architecture when tuning: --model; none for an ONNX INPUT (its own graph); else the default.
    var architecturePath: String? {
        if let model { return model }
        return ModelLoader.carriesGraph(URL(fileURLWithPath: inputPath)) ? nil : TuningDefaults.architecture
    }

    /// The output path: -o, or INPUT's name with `.sznn` in the current folder (`m.safetensors.index.json` → `m.sznn`).
    var outputPath: String {
        if let output { return output }
        let name = URL(fileURLWithPath: inputPath).lastPathComponent
        let suffix = ".safetensors.index.json"
        if name.lowercased().hasSuffix(suffix) { return String(name.dropLast(suffix.count)) + ".sznn" }
        return URL(fileURLWithPath: name).deletingPathExtension().appendingPathExtension("sznn").lastPathComponent
    }

    func run() throws {
        threadOptions.apply()
        if let targetAccLoss { return try runTuning(target: targetAccLoss) }
        let started = Date()
        let inputURL = URL(fileURLWithPath: inputPath)
        // An update needs the base in memory; a plain safetensors source streams.
        if SafetensorsSource.handles(inputURL), !baseOptions.isSpecified { return try runStreaming(inputURL, started: started) }
        let sourceBytes = try ModelLoader.readBytes(inputURL)
        let model = try ModelFile.decode(sourceBytes, from: inputURL)
        let coder = try backend.make()
        var metadata = VerifiedCompression.metadata(source: inputURL, sourceBytes: sourceBytes, settings: settingsMetadata(coder))
        if baseOptions.isSpecified { metadata["base_names"] = baseOptions.names }
        let container = try ModelCodec.compress(model, plan: try fixedBoundPlan(), backend: coder, metadata: metadata,
                                                base: try baseOptions.load(), choosePredictor: predictorChooser(coder),
                                                progress: Self.drawProgress)
        Terminal.endProgress()
        let bytes = try ContainerEncoder.encode(container)
        try AtomicFile.write(bytes, to: URL(fileURLWithPath: outputPath))
        try printReport(ContainerReport(container, fileBytes: bytes.count), sourceByteCount: sourceBytes.count, started: started)
    }
}

extension CompressCommand {
    /// Learns per-tensor bounds against the accuracy target, then compresses and verifies.
    func runTuning(target: Double) throws {
        let options = tuning.options(target: target)
        // No default bound: tensors the plan neither makes lossless nor pins are the tuner's.
        let run = AccuracyTargetRun(weightsURL: URL(fileURLWithPath: inputPath),
                                    architectureURL: architecturePath.map { URL(fileURLWithPath: DefaultResources.locate($0)) },
                                    loadData: dataOptions.labelled(for:),
                                    outputURL: URL(fileURLWithPath: outputPath), options: options, backend: try backend.make(),
                                    sliceBounds: tuning.sliceBounds ?? false, plan: try makePlan(CompressionPlan.Rule()),
                                    base: try baseOptions.load(), baseNames: baseOptions.names)
        let report = try run.run(events: CompressionEvent.draw)
        Terminal.endProgress()
        try report.print(target: target, output: outputPath, json: json)
    }
}

extension CompressCommand {
    /// The plan of `--config` (if any) and `--lossless-below` on top of `rule`, the command line's settings.
    func makePlan(_ rule: CompressionPlan.Rule) throws -> CompressionPlan {
        try config.map { try CompressionPlan.load(from: URL(fileURLWithPath: $0), defaultRule: rule, losslessBelowElements: losslessBelow) }
            ?? CompressionPlan(defaultRule: rule, losslessBelowElements: losslessBelow)
    }
}

/// The embedded defaults of `compress --target-acc-loss` (paths relative to the repository root
/// or the installed share folder; `DefaultResources.locate` finds them from any directory).
enum TuningDefaults {
    static let weights = "Data/models/lenet5.safetensors"
    static let architecture = "Configs/models/lenet5.json"
}


/// The entropy-backend options shared by the commands that compress.
struct BackendOptions: ParsableArguments {
    @Option(name: .long, help: "The entropy backend: \(BackendName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: BackendName = .cabac

    // Level 1 by default: quantization indices are near-i.i.d., so zstd's deeper match search
    // finds nothing and its matches cost more than literals (1 is smaller *and* ~45 % faster
    // than 3 on the Laplace benchmark and on LeNet-5).
    @Option(name: .long, parsing: .unconditional, help: "The zstd compression level (1 … 22).")
    var zstdLevel: Int = 1

    func validate() throws {
        guard (1...22).contains(zstdLevel) else {
            throw ValidationError("--zstd-level must be in 1 … 22; got \(zstdLevel)")
        }
    }

    func make() throws -> any EntropyBackend { try Backends.make(backend, zstdLevel: zstdLevel) }
}
