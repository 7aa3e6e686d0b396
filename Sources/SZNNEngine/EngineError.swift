/// The engine's error: what kind of failure, and a one-line message naming the file,
/// layer or tensor involved.
///
/// The engine may not import SZNNCore, so the command line maps `kind` onto `SZNNError`
/// codes (601 architecture mismatch, 602 malformed dataset, …).
public struct EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The family of failure, stable for callers that map it to their own codes.
    public enum Kind: Sendable, Equatable {
        /// Parameters or inputs do not fit the network's architecture (missing,
        /// unexpected or wrongly shaped tensors, wrong input shape, labels out of range).
        case architectureMismatch
        /// A dataset file is not a valid IDX file, or images and labels disagree.
        case malformedDataset
        /// A network configuration (JSON) is invalid.
        case invalidConfiguration
        /// A file could not be opened or read.
        case unreadableFile
        /// A call argument is out of range (batch size, learning rate, …).
        case invalidArgument
    }

    public let kind: Kind
    /// What went wrong and where, in one line.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
