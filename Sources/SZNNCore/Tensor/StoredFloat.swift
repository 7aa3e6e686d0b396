/// A floating-point storage format, as a type, so that loops over elements are specialized per dtype.
///
/// The quantizer is generic over this protocol: the dtype switch happens once per chunk,
/// not once per element (which would also block vectorization).
protocol StoredFloat {
    /// The dtype this format stores.
    static var dtype: DType { get }
    /// Element `index` of the little-endian elements at `base`, exactly, as Double: a plain
    /// load with wrapping offset arithmetic (the caller keeps `index` in range), so that the
    /// loops reading it vectorize.
    static func load(at base: UnsafeRawPointer, index: Int) -> Double
    /// The bit pattern of `value` rounded to nearest-even in this format.
    static func bits(of value: Double) -> UInt64
    /// The value of a bit pattern of this format.
    static func value(ofBits bits: UInt64) -> Double
}

enum Float64Storage: StoredFloat {
    static var dtype: DType { .float64 }
    @inline(__always) static func load(at base: UnsafeRawPointer, index: Int) -> Double {
        Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self)))
    }
    @inline(__always) static func bits(of value: Double) -> UInt64 { value.bitPattern }
    @inline(__always) static func value(ofBits bits: UInt64) -> Double { Double(bitPattern: bits) }
}

enum Float32Storage: StoredFloat {
    static var dtype: DType { .float32 }
    @inline(__always) static func load(at base: UnsafeRawPointer, index: Int) -> Double {
        Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))))
    }
    @inline(__always) static func bits(of value: Double) -> UInt64 { UInt64(Float(value).bitPattern) }
    @inline(__always) static func value(ofBits bits: UInt64) -> Double { Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))) }
}

enum Float16Storage: StoredFloat {
    static var dtype: DType { .float16 }
    @inline(__always) static func load(at base: UnsafeRawPointer, index: Int) -> Double {
        FloatCodec.halfToDouble(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self)))
    }
    @inline(__always) static func bits(of value: Double) -> UInt64 { UInt64(FloatCodec.doubleToHalf(value)) }
    @inline(__always) static func value(ofBits bits: UInt64) -> Double { FloatCodec.halfToDouble(UInt16(truncatingIfNeeded: bits)) }
}

enum BFloat16Storage: StoredFloat {
    static var dtype: DType { .bfloat16 }
    @inline(__always) static func load(at base: UnsafeRawPointer, index: Int) -> Double {
        Double(Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self))) << 16))
    }
    @inline(__always) static func bits(of value: Double) -> UInt64 { UInt64(FloatCodec.floatToBFloat16(Float(value))) }
    @inline(__always) static func value(ofBits bits: UInt64) -> Double { Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16)) }
}

extension StoredFloat {
    /// Element `index` of little-endian `raw` (which holds it), exactly, as Double.
    @inline(__always) static func load(_ raw: UnsafeRawBufferPointer, index: Int) -> Double {
        load(at: raw.baseAddress.unsafelyUnwrapped, index: index)
    }

    /// Stores the low bits of `bits` as element `index` of the little-endian elements at `base`
    /// (wrapping offset arithmetic, as `load(at:index:)`).
    @inline(__always) static func store(bits: UInt64, at base: UnsafeMutableRawPointer, index: Int) {
        switch dtype.byteWidth {
        case 8: base.storeBytes(of: bits.littleEndian, toByteOffset: index &* 8, as: UInt64.self)
        case 4: base.storeBytes(of: UInt32(truncatingIfNeeded: bits).littleEndian, toByteOffset: index &* 4, as: UInt32.self)
        default: base.storeBytes(of: UInt16(truncatingIfNeeded: bits).littleEndian, toByteOffset: index &* 2, as: UInt16.self)
        }
    }
}
