/// The one-byte identifiers of entropy backends as written in `.sznn` records (FORMAT.md §4).
public enum BackendIdentifier: UInt8, Sendable, CaseIterable {
    /// No entropy coding: indices as little-endian Int32, bytes as they are.
    case stored = 0
    /// The system's libzstd.
    case zstd = 1
    /// DeepCABAC: context-adaptive binary arithmetic coding as in ISO/IEC 15938-17.
    case cabac = 2

    /// The name used on the command line and in reports.
    public var name: String {
        switch self {
        case .stored: "stored"
        case .zstd: "zstd"
        case .cabac: "cabac"
        }
    }
}

/// The last stage of the pipeline: codes quantization indices (and lossless bytes) into a payload.
///
/// An implementation writes its own parameters into the payload it returns, so that
/// `decode` needs nothing but the payload and the element count; it must reject a payload it
/// did not write (wrong length, bad checksum, stream running past its end) with
/// `SZNNError.Code.corruptPayload`, never crash or hang on one.
public protocol EntropyBackend: Sendable {
    /// The id written in the record, checked on read.
    var identifier: BackendIdentifier { get }

    /// Codes the signed quantization indices of one tensor (in scan order).
    /// `shape` is the tensor's shape, for backends whose contexts follow rows or channels.
    func encode(indices: [Int32], shape: [Int]) throws -> [UInt8]

    /// Decodes exactly `count` indices from a payload written by `encode`.
    func decode(_ payload: UnsafeRawBufferPointer, count: Int, shape: [Int]) throws -> [Int32]

    /// Codes bytes losslessly (integer tensors, small tensors, eb = 0, escape values).
    func encodeLossless(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8]

    /// Decodes exactly `byteCount` bytes from a payload written by `encodeLossless`.
    func decodeLossless(_ payload: UnsafeRawBufferPointer, byteCount: Int) throws -> [UInt8]
}
