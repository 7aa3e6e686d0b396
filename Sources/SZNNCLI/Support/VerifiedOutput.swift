import Foundation
import SZNNCore
import SZNNWorkflow
import SZNNEngine
import SZNNTuner

/// The end of every tuning run: compress at the tuned bounds, decode the bytes, evaluate them,
/// and only then write the file atomically — so the reported drop is that of the file.
struct VerifiedOutput {
    let network: Network
    /// The examples the drop is verified on.
    let data: LabelledData
    let backend: any EntropyBackend
    /// How the tensors that are not tuned are coded (lossless, or a bound a rule pins).
    let plan: CompressionPlan
    let outputURL: URL
    let targetAccuracyLoss: Double

    /// The container metadata of a tuned file.
    static func metadata(source: URL?, sourceBytes: Data?, settings: [String: Any]) -> [String: Any] {
        var metadata: [String: Any] = ["tool": "sz-nn \(SZNNCommand.toolVersion)", "settings": settings]
        if let source { metadata["source_name"] = source.lastPathComponent }
        if let sourceBytes {
            metadata["source_bytes"] = sourceBytes.count
            metadata["source_crc32"] = String(format: "%08x", sourceBytes.withUnsafeBytes { CRC32.checksum($0) })
        }
        return metadata
    }

    /// Compresses `model` with `outcome`'s bounds on `tensors` (everything else as `plan` says),
    /// verifies the drop on the decoded bytes, writes them, and reports.
    func write(_ model: Model, tensors: [TunedTensor], outcome: TuningOutcome, originalTest: Double, started: Date,
               metadata: [String: Any], extraEvaluations: Int) throws -> TuningRun.Report {
        Terminal.progress("compressing and verifying")
        var plan = self.plan
        for (tensor, bound) in zip(tensors, outcome.bounds) { plan.boundsByName[tensor.name] = try tensor.errorBounds(bound) }
        let container = try ModelCodec.compress(model, plan: plan, backend: backend, metadata: metadata)
        let bytes = try ContainerEncoder.encode(container)

        // Verify what will be written: decode the bytes, evaluate, and only then write.
        let decoded = try ModelCodec.decompress(try ContainerDecoder.decode(bytes, fileName: outputURL.lastPathComponent), backends: try Backends.all())
        try EngineBridge.load(decoded, into: network, fileName: outputURL.lastPathComponent)
        let compressed = try EngineBridge.translatingErrors {
            (try network.accuracy(on: data.validation), try network.accuracy(on: data.test))
        }
        let drop = (outcome.baselineAccuracy - compressed.0) * 100
        guard drop <= targetAccuracyLoss + 1e-9 else {
            throw SZNNError(.targetUnreachable, String(format: "the compressed model loses %.2f pp on validation, above the target %.2f", drop, targetAccuracyLoss),
                            hint: "this should not happen; please report it with the command line")
        }
        try AtomicFile.write(bytes, to: outputURL)
        Terminal.endProgress()
        return TuningRun.Report(container: container, fileBytes: bytes.count,
                                bounds: Dictionary(uniqueKeysWithValues: zip(tensors.map(\.name), outcome.bounds)),
                                original: (outcome.baselineAccuracy, originalTest), data: data.description, compressed: compressed,
                                evaluations: outcome.evaluations + extraEvaluations + 1, seconds: Date().timeIntervalSince(started),
                                confirmation: outcome.confirmation)
    }
}
