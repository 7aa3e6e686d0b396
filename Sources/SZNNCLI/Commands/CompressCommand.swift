import ArgumentParser
import Foundation
import SZNNCore

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
        """
    )

    @Argument(help: "The model to compress (.safetensors, .npz or .npy).")
    var input: String

    @Option(name: .shortAndLong, help: "The .sznn file to write (written atomically).")
    var output: String

    @Option(name: .long, help: "The error bound: absolute, or a fraction of each tensor's value range with --mode rel. 0 = lossless.")
    var errorBound: Double = 1e-3

    @Option(name: .long, help: "How --error-bound is read: abs or rel.")
    var mode: ErrorBoundMode = .absolute

    @Option(name: .long, help: "The predictor: \(PredictorKind.allCases.map(\.name).joined(separator: ", ")).")
    var predictor: PredictorKind = .zero

    @OptionGroup var backend: BackendOptions

    @Option(name: .long, help: "Float tensors with fewer elements than this are stored losslessly.")
    var losslessBelow: Int = 256

    @Option(name: .long, help: "A JSON file of per-tensor overrides by name or glob (see Configs/README.md).")
    var config: String?

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard errorBound.isFinite, errorBound >= 0 else {
            throw ValidationError("--error-bound must be a finite number >= 0 (0 means lossless); got \(errorBound)")
        }
        guard losslessBelow >= 0 else { throw ValidationError("--lossless-below must be >= 0") }
        guard URL(fileURLWithPath: output).standardizedFileURL != URL(fileURLWithPath: input).standardizedFileURL else {
            throw ValidationError("the output would overwrite the input; choose another -o")
        }
    }

    func run() throws {
        let started = Date()
        let inputURL = URL(fileURLWithPath: input)
        let sourceBytes = try ModelLoader.readBytes(inputURL)
        let model = try ModelFile.read(from: inputURL)
        let rule = CompressionPlan.Rule(mode: mode, errorBound: errorBound, predictor: predictor)
        let plan = try config.map { try CompressionPlan.load(from: URL(fileURLWithPath: $0), defaultRule: rule, losslessBelowElements: losslessBelow) }
            ?? CompressionPlan(defaultRule: rule, losslessBelowElements: losslessBelow)
        let coder = try backend.make()
        let metadata: [String: Any] = [
            "tool": "sz-nn \(SZNNCommand.toolVersion)",
            "source_name": inputURL.lastPathComponent,
            "source_bytes": sourceBytes.count,
            "source_crc32": String(format: "%08x", sourceBytes.withUnsafeBytes { CRC32.checksum($0) }),
            "settings": ["mode": mode.rawValue, "error_bound": errorBound, "predictor": predictor.name,
                         "backend": coder.identifier.name, "config": config.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""],
        ]
        let container = try ModelCodec.compress(model, plan: plan, backend: coder, metadata: metadata) { done, total in
            Terminal.progress("compressing tensor \(min(done + 1, total))/\(total)")
        }
        Terminal.endProgress()
        let bytes = try ContainerEncoder.encode(container)
        try AtomicFile.write(bytes, to: URL(fileURLWithPath: output))
        let report = ContainerReport(container, fileBytes: bytes.count)
        let seconds = Date().timeIntervalSince(started)
        if json {
            var object = report.json()
            object["seconds"] = seconds
            object["output"] = output
            try Terminal.printJSON(object)
        } else {
            print(report.text())
            print("wrote \(output): \(Format.bytes(bytes.count)) from \(Format.bytes(sourceBytes.count)) (\(Format.number(Double(sourceBytes.count) / Double(max(bytes.count, 1))))× of the input file) in \(Format.number(seconds, digits: 2)) s")
        }
    }
}

/// The entropy-backend options shared by the commands that compress.
struct BackendOptions: ParsableArguments {
    @Option(name: .long, help: "The entropy backend: \(BackendName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: BackendName = .zstd

    @Option(name: .long, help: "The zstd compression level (1 … 22).")
    var zstdLevel: Int = 3

    func make() throws -> any EntropyBackend { try Backends.make(backend, zstdLevel: zstdLevel) }
}
