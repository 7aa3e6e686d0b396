/// The element types a tensor may hold, named as safetensors names them.
///
/// The raw value is the one-byte id written in `.sznn` records (FORMAT.md §3); never renumber.
public enum DType: UInt8, CaseIterable, Sendable {
    case float64 = 1, float32 = 2, float16 = 3, bfloat16 = 4
    case int8 = 10, int16 = 11, int32 = 12, int64 = 13
    case uint8 = 20, uint16 = 21, uint32 = 22, uint64 = 23
    case bool = 30

    /// The safetensors spelling (`F32`, `BF16`, `I64`, `BOOL` …).
    public var safetensorsName: String {
        switch self {
        case .float64: "F64"
        case .float32: "F32"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .int8: "I8"
        case .int16: "I16"
        case .int32: "I32"
        case .int64: "I64"
        case .uint8: "U8"
        case .uint16: "U16"
        case .uint32: "U32"
        case .uint64: "U64"
        case .bool: "BOOL"
        }
    }

    /// The dtype with that safetensors spelling, or nil.
    public init?(safetensorsName: String) {
        guard let match = DType.allCases.first(where: { $0.safetensorsName == safetensorsName }) else {
            return nil
        }
        self = match
    }

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float64, .int64, .uint64: 8
        case .float32, .int32, .uint32: 4
        case .float16, .bfloat16, .int16, .uint16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// True for the floating-point types, the only ones compressed lossily.
    public var isFloatingPoint: Bool {
        switch self {
        case .float64, .float32, .float16, .bfloat16: true
        default: false
        }
    }
}
