/// The one error type of sz-nn: a stable numeric code, what went wrong and where, and what to do.
///
/// Codes are grouped by hundreds and never reused (FORMAT.md lists them):
/// 1xx usage and configuration, 2xx model-file input, 3xx `.sznn` container,
/// 4xx codec and backend, 5xx output and I/O, 6xx network, data and tuning, 7xx updates against a base.
public struct SZNNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stable error code; scripts may match on `rawValue`.
    public enum Code: Int, Sendable, CaseIterable {
        // 1xx usage and configuration
        case invalidArgument = 101
        case invalidConfiguration = 102
        case exceedsFormatLimit = 106 // the model cannot be stored in the output format (.sznn v1 FormatLimits, .npz names)
        // 2xx model-file input (safetensors, npy, npz, IDX)
        case unreadableFile = 201
        case malformedModelFile = 202
        case unsupportedDType = 203
        case duplicateTensor = 204
        case unsupportedFileType = 205
        // 3xx the .sznn container
        case notSZNN = 301
        case unsupportedVersion = 302
        case truncated = 303
        case checksumMismatch = 304
        case malformedContainer = 305
        // 4xx codecs and backends
        case unknownBackend = 401
        case unknownPredictor = 402
        case corruptPayload = 403
        case backendFailure = 404
        case errorBoundViolated = 405
        case exceedsMemoryBudget = 406
        // 5xx output
        case writeFailed = 501
        // 6xx networks, datasets, tuning
        case architectureMismatch = 601
        case malformedDataset = 602
        case targetUnreachable = 603
        // 7xx updates coded against a base model
        case baseMissing = 701 // an update file was decoded without its base
        case baseMismatch = 702 // the base given is not the one the update was coded against
    }

    public let code: Code
    /// What went wrong and where (file, tensor, offset), in one line.
    public let message: String
    /// What the user can do about it; may be empty.
    public let hint: String

    public init(_ code: Code, _ message: String, hint: String = "") {
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// One line: `error E303: <message> (<hint>)`.
    public var description: String {
        hint.isEmpty ? "error E\(code.rawValue): \(message)"
            : "error E\(code.rawValue): \(message) — \(hint)"
    }
}
