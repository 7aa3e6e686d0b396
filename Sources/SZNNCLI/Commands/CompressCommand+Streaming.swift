import Foundation
import SZNNCore
import SZNNWorkflow

/// `compress` of a safetensors model (one file or a sharded index) at a fixed bound, streamed:
/// the model is read a window of tensors at a time and the file written record by record.
extension CompressCommand {
    /// Reads the source twice: once for the CRC the metadata (before the records) must carry,
    /// then tensor by tensor; the output is written through the atomic temporary as records finish.
    func runStreaming(_ inputURL: URL, started: Date) throws {
        StreamingMemory.returnLargeBlocks()
        let source = try SafetensorsSource(inputURL)
        let coder = try backend.make()
        let metadata = VerifiedCompression.metadata(source: inputURL, sourceByteCount: source.byteCount,
                                                    sourceCRC32: try source.checksum(), settings: settingsMetadata(coder))
        let plan = try fixedBoundPlan()
        var headers: [RecordHeader] = []
        var fileBytes = 0
        try AtomicFile.write(to: URL(fileURLWithPath: outputPath)) { writer in
            headers = try ModelCodec.compress(source, plan: plan, backend: coder, metadata: metadata, into: &writer,
                                              choosePredictor: predictorChooser(coder), progress: Self.drawProgress)
            fileBytes = writer.byteCount
        }
        Terminal.endProgress()
        try printReport(ContainerReport(headers, fileBytes: fileBytes), sourceByteCount: source.byteCount, started: started)
    }

    /// The plan of the fixed-bound options: --error-bound (default 1e-3), --mode, --predictor, --config, --lossless-below.
    func fixedBoundPlan() throws -> CompressionPlan {
        try makePlan(CompressionPlan.Rule(mode: mode ?? .absolute, errorBound: errorBound ?? 1e-3, predictor: (predictor ?? .automatic).kind))
    }

    /// The `settings` metadata of a fixed-bound file.
    func settingsMetadata(_ coder: any EntropyBackend) -> [String: Any] {
        ["mode": (mode ?? .absolute).rawValue, "error_bound": errorBound ?? 1e-3, "predictor": (predictor ?? .automatic).kind?.name ?? "auto",
         "backend": coder.identifier.name, "config": config.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""]
    }

    /// `--predictor auto`'s choice per tensor: the predictor whose sample codes smallest with `coder`.
    func predictorChooser(_ coder: any EntropyBackend) -> (Tensor, TensorSettings) throws -> PredictorKind {
        { tensor, settings in try PredictorSelection.select(for: tensor, settings: settings, rate: Backends.rateFunction(of: coder)) }
    }

    /// The progress line of a fixed-bound compression.
    static func drawProgress(done: Int, total: Int) {
        Terminal.progress("compressing tensor \(min(done + 1, total))/\(total)")
    }

    /// Prints the per-tensor table and the summary line (or the JSON report).
    func printReport(_ report: ContainerReport, sourceByteCount: Int, started: Date) throws {
        let seconds = Date().timeIntervalSince(started)
        if json {
            var object = report.json()
            object["seconds"] = seconds
            object["output"] = outputPath
            try Terminal.printJSON(object)
        } else {
            print(report.text())
            print("wrote \(outputPath): \(Format.bytes(report.fileBytes)) from \(Format.bytes(sourceByteCount)) (\(Format.number(Double(sourceByteCount) / Double(max(report.fileBytes, 1))))× of the input file) in \(Format.number(seconds, digits: 2)) s")
        }
    }
}
