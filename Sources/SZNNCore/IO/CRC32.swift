import CZlib

/// The CRC-32 of zip, gzip and PNG (polynomial 0xEDB88320, reflected), computed by zlib.
///
/// `checksum` of an empty buffer is 0; `update(checksum(a), b) == checksum(a + b)`.
public enum CRC32 {
    /// zlib takes lengths as 32-bit `uInt`; larger buffers are fed in chunks of this many bytes.
    private static let chunkLength = 1 << 30

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// Continues a CRC-32 over more bytes: pass the value returned for the bytes before them (0 to start).
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        var running = uLong(crc)
        var offset = 0
        while offset < bytes.count {
            let length = min(chunkLength, bytes.count - offset)
            running = crc32(running, base.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: running)
    }

    /// The CRC-32 of two byte runs one after the other, from the CRC of each and the second's length.
    public static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: crc32_combine(uLong(first), uLong(second), off_t(secondLength)))
    }
}
