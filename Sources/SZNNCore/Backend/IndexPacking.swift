/// Packs signed quantization indices into the narrowest little-endian byte width that holds them.
///
/// Indices are zig-zag mapped (0, -1, 1, -2 … → 0, 1, 2, 3 …) so small magnitudes of
/// either sign use small unsigned values.
public enum IndexPacking {
    /// Zig-zag map of a signed index.
    @inline(__always)
    public static func zigzag(_ value: Int32) -> UInt32 {
        UInt32(bitPattern: (value << 1) ^ (value >> 31))
    }

    /// Inverse of `zigzag`.
    @inline(__always)
    public static func unzigzag(_ value: UInt32) -> Int32 {
        Int32(bitPattern: value >> 1) ^ -Int32(bitPattern: value & 1)
    }

    /// The byte width (1, 2 or 4) that holds every zig-zagged index.
    public static func width(for indices: [Int32]) -> Int {
        var largest: UInt32 = 0
        for index in indices { largest |= zigzag(index) }
        return largest <= 0xFF ? 1 : (largest <= 0xFFFF ? 2 : 4)
    }

    /// Zig-zagged indices written at `width` bytes each.
    public static func pack(_ indices: [Int32], width: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: indices.count * width) { out, initialized in
            let raw = UnsafeMutableRawBufferPointer(out)
            for (position, index) in indices.enumerated() {
                let code = zigzag(index)
                switch width {
                case 1: raw.storeBytes(of: UInt8(truncatingIfNeeded: code), toByteOffset: position, as: UInt8.self)
                case 2: raw.storeBytes(of: UInt16(truncatingIfNeeded: code).littleEndian, toByteOffset: position * 2, as: UInt16.self)
                default: raw.storeBytes(of: code.littleEndian, toByteOffset: position * 4, as: UInt32.self)
                }
            }
            initialized = indices.count * width
        }
    }

    /// Inverse of `pack`; `bytes.count` must be `count * width`.
    public static func unpack(_ bytes: [UInt8], width: Int, count: Int) -> [Int32] {
        bytes.withUnsafeBytes { raw in
            [Int32](unsafeUninitializedCapacity: count) { out, initialized in
                for position in 0..<count {
                    let code: UInt32
                    switch width {
                    case 1: code = UInt32(raw[position])
                    case 2: code = UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: position * 2, as: UInt16.self)))
                    default: code = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position * 4, as: UInt32.self))
                    }
                    out[position] = unzigzag(code)
                }
                initialized = count
            }
        }
    }
}
