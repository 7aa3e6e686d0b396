import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner

/// The end of every tuning run: code at the tuned bounds, decode, evaluate, and only then write.
///
/// The file is written atomically after its own bytes have been decoded and evaluated, so the
/// drop the report gives is the drop of the file, and a file that misses the target is never written.
struct VerifiedWrite {
    let network: Network
    /// The examples the drop is verified on.
    let data: LabelledData
    let compression: VerifiedCompression
    let outputURL: URL
    let targetAccuracyLoss: Double

    /// Codes `model` with `outcome`'s bounds on `tensors`, verifies the drop on the decoded bytes, writes them, reports.
    func write(_ model: Model, tensors: [TunedTensor], outcome: TuningOutcome, originalTest: Double, started: Date,
               metadata: [String: Any], extraEvaluations: Int, events: (CompressionEvent) -> Void) throws -> CompressionReport {
        events(.phase("compressing and verifying"))
        let encoded = try compression.encode(model, tensors: tensors, bounds: outcome.bounds, metadata: metadata,
                                             fileName: outputURL.lastPathComponent)
        try EngineBridge.load(encoded.decoded, into: network, fileName: outputURL.lastPathComponent)
        let compressed = try EngineBridge.translatingErrors {
            (try network.accuracy(on: data.validation), try network.accuracy(on: data.test))
        }
        let drop = (outcome.baselineAccuracy - compressed.0) * 100
        guard drop <= targetAccuracyLoss + 1e-9 else {
            throw SZNNError(.targetUnreachable, String(format: "the compressed model loses %.2f pp on validation, above the target %.2f", drop, targetAccuracyLoss),
                            hint: "this should not happen; please report it with the command line")
        }
        try AtomicFile.write(encoded.bytes, to: outputURL)
        return CompressionReport(container: encoded.container, fileBytes: encoded.bytes.count,
                                 bounds: Dictionary(uniqueKeysWithValues: zip(tensors.map(\.name), outcome.bounds)),
                                 original: (outcome.baselineAccuracy, originalTest), data: data.description, compressed: compressed,
                                 evaluations: outcome.evaluations + extraEvaluations + 1, seconds: Date().timeIntervalSince(started),
                                 confirmation: outcome.confirmation)
    }
}
