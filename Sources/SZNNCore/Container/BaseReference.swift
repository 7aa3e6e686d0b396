import Foundation

/// Which base an update file was coded against: the SHA-256 of the base tensors it uses (FORMAT.md §3b).
///
/// The digest covers exactly the tensors the file's delta records predict from, as the encoder
/// saw them (a base `.sznn` as it decodes, a safetensors file as it is), so a base that differs
/// in any bit of a used tensor, in its dtype, shape or name, is refused rather than silently
/// giving other weights; tensors of the base the file does not use may differ freely.
public struct BaseReference: Sendable, Equatable {
    /// The digest algorithm id of the base block: 1 is SHA-256 over `canonicalBytes`.
    public static let sha256Algorithm: UInt8 = 1

    /// SHA-256 of the used base tensors in canonical form (32 bytes).
    public var digest: [UInt8]
    /// How many base tensors the digest covers: the number of delta records.
    public var tensorCount: Int

    public init(digest: [UInt8], tensorCount: Int) {
        self.digest = digest
        self.tensorCount = tensorCount
    }

    /// The reference of `tensors` (in any order).
    public init(covering tensors: [Tensor]) {
        self.init(digest: BaseReference.digest(of: tensors), tensorCount: tensors.count)
    }

    /// SHA-256 of `tensors` sorted by the UTF-8 bytes of their names, each as: u32 name length,
    /// name, u8 dtype id, u8 rank, u64 per dimension, u64 byte count, the element bytes
    /// (little-endian, C order) — all integers little-endian.
    public static func digest(of tensors: [Tensor]) -> [UInt8] {
        var hasher = SHA256()
        for tensor in tensors.sorted(by: { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }) {
            let name = Array(tensor.name.utf8)
            hasher.update(integer: UInt32(name.count))
            hasher.update(name)
            hasher.update(integer: tensor.dtype.rawValue)
            hasher.update(integer: UInt8(tensor.shape.count))
            for dimension in tensor.shape { hasher.update(integer: UInt64(dimension)) }
            hasher.update(integer: UInt64(tensor.bytes.count))
            hasher.update(tensor.bytes)
        }
        return hasher.finalize()
    }

    /// The digest as 64 lowercase hex digits, for reports and messages.
    public var hexDigest: String { digest.map { String(format: "%02x", $0) }.joined() }
}
