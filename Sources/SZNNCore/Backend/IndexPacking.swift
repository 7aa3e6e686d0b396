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
            indices.withUnsafeBufferPointer { source in
                if let from = source.baseAddress, let to = out.baseAddress { pack(from, count: source.count, width: width, into: to) }
            }
            initialized = indices.count * width
        }
    }

    /// Writes `count` zig-zagged indices at `width` bytes each to `destination`.
    ///
    /// One loop per width over plain pointers, so that each compiles to vector code.
    public static func pack(_ source: UnsafePointer<Int32>, count: Int, width: Int, into destination: UnsafeMutablePointer<UInt8>) {
        switch width {
        case 1:
            for position in 0..<count { destination[position] = UInt8(truncatingIfNeeded: zigzag(source[position])) }
        case 2:
            let raw = UnsafeMutableRawPointer(destination)
            for position in 0..<count {
                raw.storeBytes(of: UInt16(truncatingIfNeeded: zigzag(source[position])).littleEndian, toByteOffset: position &* 2, as: UInt16.self)
            }
        default:
            let raw = UnsafeMutableRawPointer(destination)
            for position in 0..<count {
                raw.storeBytes(of: zigzag(source[position]).littleEndian, toByteOffset: position &* 4, as: UInt32.self)
            }
        }
    }

    /// Inverse of `pack`; `bytes.count` must be `count * width`.
    public static func unpack(_ bytes: [UInt8], width: Int, count: Int) -> [Int32] {
        bytes.withUnsafeBytes { raw in
            [Int32](unsafeUninitializedCapacity: count) { out, initialized in
                guard count > 0, let from = raw.baseAddress, let to = out.baseAddress else { initialized = 0; return }
                switch width {
                case 1:
                    let codes = from.assumingMemoryBound(to: UInt8.self)
                    for position in 0..<count { to[position] = unzigzag(UInt32(codes[position])) }
                case 2:
                    for position in 0..<count {
                        to[position] = unzigzag(UInt32(UInt16(littleEndian: from.loadUnaligned(fromByteOffset: position &* 2, as: UInt16.self))))
                    }
                default:
                    for position in 0..<count {
                        to[position] = unzigzag(UInt32(littleEndian: from.loadUnaligned(fromByteOffset: position &* 4, as: UInt32.self)))
                    }
                }
                initialized = count
            }
        }
    }
}
