import Foundation

/// One tensor of a `.sznn` file: how it was coded (FORMAT.md §4) and its payload.
public struct TensorRecord: Sendable {
    /// Whether the payload is lossless or error-bounded.
    public enum Storage: UInt8, Sendable {
        case lossless = 0
        case errorBounded = 1
        /// Error-bounded against the base tensor of the same name: each element is predicted by
        /// its base value (version 3 files only, FORMAT.md §4).
        case delta = 2
    }

    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var storage: Storage
    public var backend: BackendIdentifier
    public var predictor: PredictorKind
    /// The quantizer radius (0 for lossless).
    public var radius: Int32
    /// The absolute bounds (nil for lossless).
    public var bounds: ErrorBounds?
    /// Elements per independently decodable chunk (0 for lossless).
    public var chunkElements: Int
    /// The payload bytes (FORMAT.md §5).
    public var payload: Data

    public init(name: String, dtype: DType, shape: [Int], storage: Storage, backend: BackendIdentifier,
                predictor: PredictorKind, radius: Int32, bounds: ErrorBounds?, chunkElements: Int, payload: Data) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.storage = storage
        self.backend = backend
        self.predictor = predictor
        self.radius = radius
        self.bounds = bounds
        self.chunkElements = chunkElements
        self.payload = payload
    }

    /// Number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
    /// Bytes the tensor occupies uncompressed.
    public var originalByteCount: Int { elementCount * dtype.byteWidth }
}

/// A whole `.sznn` file: metadata, the optional graph and base reference, and records.
public struct Container {
    /// The format version of files without a graph (FORMAT.md): what every earlier build reads.
    public static let version: UInt16 = 1
    /// The format version of files that carry a graph block (flag bit 0).
    public static let graphVersion: UInt16 = 2
    /// The format version of update files, which carry a base block (flag bit 1) and may hold delta records.
    public static let deltaVersion: UInt16 = 3
    /// Header flag bit 0: a graph block follows the metadata block (versions 2 and 3).
    static let graphFlag: UInt16 = 1
    /// Header flag bit 1: a base block follows the metadata (and graph) block (version 3 only).
    static let baseFlag: UInt16 = 2
    /// The magic bytes "SZNN".
    static let magic: [UInt8] = [0x53, 0x5A, 0x4E, 0x4E]

    /// The metadata JSON object (FORMAT.md §3).
    public var metadata: [String: Any]
    public var records: [TensorRecord]
    /// The model's graph (an ONNX skeleton), stored verbatim in the graph block.
    public var graph: ModelGraph?
    /// The base the delta records were coded against (nil: a standalone file, version 1 or 2).
    public var base: BaseReference?

    public init(metadata: [String: Any], records: [TensorRecord], graph: ModelGraph? = nil, base: BaseReference? = nil) {
        self.metadata = metadata
        self.records = records
        self.graph = graph
        self.base = base
    }

    /// The version of a file with these blocks: 3 with a base, else 2 with a graph, else 1.
    static func formatVersion(graph: ModelGraph?, base: BaseReference?) -> UInt16 {
        base != nil ? deltaVersion : graph != nil ? graphVersion : version
    }

    /// The header flags of a file with these blocks.
    static func formatFlags(graph: ModelGraph?, base: BaseReference?) -> UInt16 {
        (graph != nil ? graphFlag : 0) | (base != nil ? baseFlag : 0)
    }
}

// `[String: Any]` from JSONSerialization holds only immutable property-list values.
extension Container: @unchecked Sendable {}
