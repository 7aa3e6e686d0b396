/// Reads and writes floating-point elements of any float dtype as Double, bit-exactly.
///
/// Every value of f16, bf16, f32 and f64 is exactly representable as Double, so loading is
/// lossless; storing rounds to nearest-even in the target dtype, which is what the quantizer
/// must re-check its bound against.
public enum FloatCodec {
    /// Element `index` of little-endian `raw` as Double.
    @inline(__always)
    public static func load(_ raw: UnsafeRawBufferPointer, index: Int, dtype: DType) -> Double {
        switch dtype {
        case .float64:
            return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
        case .float32:
            return Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))))
        case .float16:
            return halfToDouble(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
        case .bfloat16:
            let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
            return Double(Float(bitPattern: UInt32(bits) << 16))
        default:
            return 0
        }
    }

    /// The bit pattern of `value` rounded to `dtype`, widened to 64 bits (low bits significant).
    @inline(__always)
    public static func bits(of value: Double, as dtype: DType) -> UInt64 {
        switch dtype {
        case .float64: return value.bitPattern
        case .float32: return UInt64(Float(value).bitPattern)
        case .float16: return UInt64(doubleToHalf(value))
        case .bfloat16: return UInt64(floatToBFloat16(Float(value)))
        default: return 0
        }
    }

    /// The value of a bit pattern produced by `bits(of:as:)` (or read from a file), as Double.
    @inline(__always)
    public static func value(ofBits bits: UInt64, as dtype: DType) -> Double {
        switch dtype {
        case .float64: return Double(bitPattern: bits)
        case .float32: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case .float16: return halfToDouble(UInt16(truncatingIfNeeded: bits))
        case .bfloat16: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16))
        default: return 0
        }
    }

    /// Stores a bit pattern as element `index` of little-endian `raw`.
    @inline(__always)
    public static func store(bits: UInt64, into raw: UnsafeMutableRawBufferPointer, index: Int, dtype: DType) {
        switch dtype.byteWidth {
        case 8: raw.storeBytes(of: bits.littleEndian, toByteOffset: index * 8, as: UInt64.self)
        case 4: raw.storeBytes(of: UInt32(truncatingIfNeeded: bits).littleEndian, toByteOffset: index * 4, as: UInt32.self)
        case 2: raw.storeBytes(of: UInt16(truncatingIfNeeded: bits).littleEndian, toByteOffset: index * 2, as: UInt16.self)
        default: raw.storeBytes(of: UInt8(truncatingIfNeeded: bits), toByteOffset: index, as: UInt8.self)
        }
    }

    /// Element `index` of `raw` as its raw bit pattern.
    @inline(__always)
    public static func loadBits(_ raw: UnsafeRawBufferPointer, index: Int, dtype: DType) -> UInt64 {
        switch dtype.byteWidth {
        case 8: return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        case 4: return UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
        case 2: return UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
        default: return UInt64(raw[index])
        }
    }

    /// IEEE binary16 to Double (exact), written out so that it does not depend on `Float16` support.
    @inline(__always)
    static func halfToDouble(_ bits: UInt16) -> Double {
        let sign: Double = (bits & 0x8000) != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// Double to IEEE binary16, round to nearest even; NaN keeps a quiet payload.
    @inline(__always)
    static func doubleToHalf(_ value: Double) -> UInt16 {
        let signBit: UInt16 = value.sign == .minus ? 0x8000 : 0
        let magnitude = abs(value)
        if magnitude.isNaN { return signBit | 0x7E00 }
        if magnitude >= 65520 { return signBit | 0x7C00 } // rounds to infinity
        if magnitude < 0x1p-14 {
            // Subnormal range: units of 2^-24, rounded to nearest even.
            let units = (magnitude * 0x1p24).rounded(.toNearestOrEven)
            return signBit | UInt16(units)
        }
        let exponent = Int(magnitude.exponent) // 2^exponent <= magnitude
        let scaled = (magnitude * Double(sign: .plus, exponent: 10 - exponent, significand: 1)).rounded(.toNearestOrEven)
        // scaled is in [1024, 2048]; 2048 carries into the next exponent.
        var mantissa = Int(scaled)
        var biased = exponent + 15
        if mantissa == 2048 { mantissa = 1024; biased += 1 }
        if biased >= 31 { return signBit | 0x7C00 }
        return signBit | UInt16(biased << 10) | UInt16(mantissa - 1024)
    }

    /// Float to bfloat16, round to nearest even; NaN stays NaN.
    @inline(__always)
    static func floatToBFloat16(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
    }
}
