import Foundation
import SZNNCore
import SZNNTuner

/// The one path from tuned bounds to a file: code the model, encode it, decode those bytes.
///
/// `compress --target-acc-loss`, `train --learn-error-bounds` and compare's tuner rows all call
/// it, so what a compare row measures is, by construction, the bytes the command writes.
public struct VerifiedCompression {
    /// How every tensor that is not tuned is coded (lossless, or a bound a rule pins).
    public let plan: CompressionPlan
    public let backend: any EntropyBackend
    /// The model the file is an update of (nil: standalone): tensors it has are coded as deltas.
    public let base: Model?

    /// What coding produced: the container, the bytes to write and the model they decode to.
    public struct Encoded {
        public let container: Container
        public let bytes: Data
        public let decoded: Model

        /// The decoded float tensors as float32, by name: what an evaluation swaps in.
        public func decodedWeights() throws -> [String: [Float]] {
            var weights: [String: [Float]] = [:]
            for tensor in decoded.tensors where tensor.dtype.isFloatingPoint {
                guard let values = tensor.floatValues() else {
                    throw SZNNError(.corruptPayload, "tensor '\(tensor.name)' did not decode to floats")
                }
                weights[tensor.name] = values
            }
            return weights
        }
    }

    public init(plan: CompressionPlan, backend: any EntropyBackend, base: Model? = nil) {
        self.plan = plan
        self.backend = backend
        self.base = base
    }

    /// `plan` with each of `tensors` at its tuned bound (in tensor order).
    public func plan(tensors: [TunedTensor], bounds: [Double]) throws -> CompressionPlan {
        var plan = self.plan
        for (tensor, bound) in zip(tensors, bounds) { plan.boundsByName[tensor.name] = try tensor.errorBounds(bound) }
        return plan
    }

    /// Codes `model` with `tensors` at `bounds`, encodes the container and decodes those bytes.
    public func encode(_ model: Model, tensors: [TunedTensor], bounds: [Double], metadata: [String: Any] = [:],
                       fileName: String) throws -> Encoded {
        // No standalone fallback: the tuner measured the deltas' reconstructions, and the file must be what it measured.
        let container = try ModelCodec.compress(model, plan: try plan(tensors: tensors, bounds: bounds), backend: backend, metadata: metadata,
                                                base: base, standaloneFallback: false)
        let bytes = try ContainerEncoder.encode(container)
        let decoded = try ModelCodec.decompress(try ContainerDecoder.decode(bytes, fileName: fileName), backends: try Backends.all(),
                                                fileName: fileName, base: base)
        return Encoded(container: container, bytes: bytes, decoded: decoded)
    }

    /// The container metadata of a tuned file: the tool, the source's name, size and CRC, the settings.
    public static func metadata(source: URL?, sourceBytes: Data?, settings: [String: Any]) -> [String: Any] {
        guard let sourceBytes else {
            var metadata: [String: Any] = ["tool": "sz-nn \(ToolVersion.current)", "settings": settings]
            if let source { metadata["source_name"] = source.lastPathComponent }
            return metadata
        }
        return self.metadata(source: source, sourceByteCount: sourceBytes.count,
                             sourceCRC32: sourceBytes.withUnsafeBytes { CRC32.checksum($0) }, settings: settings)
    }

    /// The same from the source's size and CRC alone, for a writer that streams the source
    /// instead of holding it (a sharded source: its shards' bytes one after another).
    public static func metadata(source: URL?, sourceByteCount: Int, sourceCRC32: UInt32, settings: [String: Any]) -> [String: Any] {
        var metadata: [String: Any] = ["tool": "sz-nn \(ToolVersion.current)", "settings": settings,
                                       "source_bytes": sourceByteCount, "source_crc32": String(format: "%08x", sourceCRC32)]
        if let source { metadata["source_name"] = source.lastPathComponent }
        return metadata
    }

    /// The `settings` metadata of a tuned file (the same keys for the command and compare's rows).
    public static func tuningSettings(target: Double, tuner: String, backend: any EntropyBackend, architecture: String,
                                      confidence: Double? = nil) -> [String: Any] {
        var settings: [String: Any] = ["target_acc_loss": target, "tuner": tuner, "backend": backend.identifier.name,
                                       "architecture": architecture]
        if let confidence { settings["confidence"] = confidence }
        return settings
    }
}

/// The version of sz-nn that files record as their writer.
public enum ToolVersion {
    public static let current = "0.1.0"
}
