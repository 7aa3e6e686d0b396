import Foundation

/// What a `.sznn` v1 file can hold (FORMAT.md §4 "Limits"), shared by the encoder and the decoder.
///
/// The decoder rejects anything beyond these limits (E305) so that a corrupt length cannot make
/// it allocate wildly; the encoder refuses the same models up front (E106), so `compress` never
/// writes a file that its own `decompress` would reject.
public enum FormatLimits {
    /// Longest tensor name, in UTF-8 bytes.
    public static let maximumNameBytes = 4096
    /// Most dimensions a tensor may have.
    public static let maximumRank = 8
    /// Largest single dimension: 2^31 − 1.
    public static let maximumDimension = Int(Int32.max)
    /// Most elements a tensor may have, so that element count × the widest dtype fits Int.
    public static let maximumElementCount = Int.max / 8
    /// Longest metadata JSON, in bytes (16 MiB).
    public static let maximumMetadataBytes = 16 << 20
    /// Most records a file may hold (the header's u32 tensor_count).
    public static let maximumTensorCount = Int(UInt32.max)
    /// The largest graph block (2 GiB, protobuf's own limit on one message).
    public static let maximumGraphBytes = Int(Int32.max)

    /// Throws E106 unless `graph` fits a graph block: a format name of 1 … 255 ASCII bytes and at most `maximumGraphBytes`.
    public static func check(graph: ModelGraph) throws {
        let format = graph.format.utf8.count
        guard format > 0, format <= 255, graph.format.allSatisfy(\.isASCII) else {
            throw SZNNError(.exceedsFormatLimit, "graph format name '\(graph.format)' must be 1 … 255 ASCII bytes")
        }
        guard graph.bytes.count <= maximumGraphBytes else {
            throw SZNNError(.exceedsFormatLimit, "the graph has \(graph.bytes.count) bytes; the limit is \(maximumGraphBytes)",
                            hint: "keep the weights as initializers: only the graph without its data is stored")
        }
    }

    /// Throws E106 unless a tensor of this name and shape fits a v1 record.
    public static func check(name: String, shape: [Int]) throws {
        let nameBytes = name.utf8.count
        guard nameBytes <= maximumNameBytes else {
            throw exceeded("tensor '\(abbreviated(name))' has a \(nameBytes)-byte name; the limit is \(maximumNameBytes) bytes",
                           hint: "rename the tensor to at most \(maximumNameBytes) UTF-8 bytes")
        }
        guard shape.count <= maximumRank else {
            throw exceeded("tensor '\(abbreviated(name))' has rank \(shape.count); the limit is \(maximumRank)",
                           hint: "reshape it to at most \(maximumRank) dimensions")
        }
        if let dimension = shape.first(where: { $0 > maximumDimension }) {
            throw exceeded("tensor '\(abbreviated(name))' has dimension \(dimension) in shape \(shape); the limit is \(maximumDimension)",
                           hint: "reshape it so that no dimension exceeds 2^31 - 1")
        }
        let (elements, overflow) = Tensor.checkedProduct(shape)
        guard !overflow, elements <= maximumElementCount else {
            throw exceeded("tensor '\(abbreviated(name))' of shape \(shape) has too many elements; the limit is \(maximumElementCount)",
                           hint: "split the tensor")
        }
    }

    /// Throws E106 unless `count` records fit one file.
    public static func check(tensorCount count: Int) throws {
        guard count <= maximumTensorCount else {
            throw exceeded("the model has \(count) tensors; the limit is \(maximumTensorCount)", hint: "split the model")
        }
    }

    /// Throws E106 unless metadata JSON of `byteCount` bytes fits the metadata block.
    public static func check(metadataBytes byteCount: Int) throws {
        guard byteCount <= maximumMetadataBytes else {
            throw exceeded("the metadata is \(byteCount) bytes of JSON; the limit is \(maximumMetadataBytes) bytes",
                           hint: "shrink the model's own metadata (safetensors __metadata__)")
        }
    }

    private static func exceeded(_ message: String, hint: String) -> SZNNError {
        SZNNError(.exceedsFormatLimit, "the model cannot be stored in .sznn v1: \(message)", hint: hint)
    }

    /// A name short enough for a one-line message: a long one keeps its first 64 characters.
    private static func abbreviated(_ name: String) -> String {
        name.count <= 80 ? name : "\(name.prefix(64))…"
    }
}
