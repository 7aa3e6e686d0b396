import Foundation

/// A named, typed, shaped block of little-endian element bytes.
///
/// Invariant: `bytes.count == elementCount * dtype.byteWidth`. `bytes` may be a slice of a
/// memory-mapped file, so its indices need not start at zero: use `withUnsafeBytes`.
public struct Tensor: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var bytes: Data

    /// Creates a tensor, checking that the byte count matches shape × dtype.
    public init(name: String, dtype: DType, shape: [Int], bytes: Data) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw SZNNError(.malformedModelFile, "tensor '\(name)' has a negative dimension in shape \(shape)")
        }
        let (count, overflow) = Tensor.checkedProduct(shape)
        let (byteCount, overflow2) = count.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow, !overflow2, byteCount == bytes.count else {
            throw SZNNError(.malformedModelFile,
                            "tensor '\(name)' has \(bytes.count) bytes but shape \(shape) of \(dtype.safetensorsName) needs \(overflow || overflow2 ? "too many" : String(byteCount))")
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A float32 tensor from values (convenience for tests, the engine bridge and benchmarks).
    public init(name: String, shape: [Int], float32 values: [Float]) throws {
        let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
        try self.init(name: name, dtype: .float32, shape: shape, bytes: data)
    }

    /// A tensor shaped and typed like `template` holding `values`, rounded to its floating-point dtype.
    public init(converting values: [Float], like template: Tensor) throws {
        precondition(template.dtype.isFloatingPoint, "only floating-point tensors take Float values")
        let dtype = template.dtype
        if dtype == .float32 { try self.init(name: template.name, shape: template.shape, float32: values); return }
        var data = Data(count: values.count * dtype.byteWidth)
        data.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                FloatCodec.store(bits: FloatCodec.bits(of: Double(value), as: dtype), into: raw, index: index, dtype: dtype)
            }
        }
        try self.init(name: template.name, dtype: dtype, shape: template.shape, bytes: data)
    }

    /// Number of elements (product of the shape; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The elements as Float, converted from any floating-point dtype; nil for integer dtypes.
    public func floatValues() -> [Float]? {
        guard dtype.isFloatingPoint else { return nil }
        let count = elementCount
        return bytes.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                if dtype == .float32 {
                    // Bit for bit: a round trip through Double would quiet signalling NaNs.
                    for index in 0..<count {
                        out[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                    }
                } else {
                    for index in 0..<count {
                        out[index] = Float(FloatCodec.load(raw, index: index, dtype: dtype))
                    }
                }
                initialized = count
            }
        }
    }

    /// The elements as Int, from any integer or boolean dtype (u64 beyond Int.max wraps); nil for floats.
    public func integerValues() -> [Int]? {
        guard !dtype.isFloatingPoint else { return nil }
        let count = elementCount, width = dtype.byteWidth, type = dtype
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { index in
                let offset = index * width
                switch type {
                case .int8: return Int(raw.loadUnaligned(fromByteOffset: offset, as: Int8.self))
                case .int16: return Int(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
                case .int32: return Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                case .int64: return Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
                case .uint8, .bool: return Int(raw[offset])
                case .uint16: return Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case .uint32: return Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                default: return Int(truncatingIfNeeded: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                }
            }
        }
    }

    /// The product of `dimensions`, and whether it overflowed.
    static func checkedProduct(_ dimensions: [Int]) -> (Int, Bool) {
        var product = 1
        for dimension in dimensions {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            if overflow { return (0, true) }
            product = next
        }
        return (product, false)
    }
}

/// An ordered list of tensors with string metadata: what a model file holds.
public struct Model: Sendable, Equatable {
    public var tensors: [Tensor]
    /// Free-form string metadata (safetensors `__metadata__`), kept across conversions.
    public var metadata: [String: String]
    /// The computation the tensors belong to, when the source file carried one (an ONNX graph).
    public var graph: ModelGraph?

    public init(tensors: [Tensor], metadata: [String: String] = [:], graph: ModelGraph? = nil) {
        self.tensors = tensors
        self.metadata = metadata
        self.graph = graph
    }

    /// The tensor with that name, if any.
    public subscript(name: String) -> Tensor? { tensors.first { $0.name == name } }
}

/// A model's graph, kept opaque by the codec: its format name and its bytes.
///
/// For ONNX (`format == "onnx"`) the bytes are the ModelProto without initializer data
/// (`ONNXModelFile`); `.sznn` files store them beside the tensors (FORMAT.md §3a).
public struct ModelGraph: Sendable, Equatable {
    public var format: String
    public var bytes: Data

    public init(format: String, bytes: Data) {
        self.format = format
        self.bytes = bytes
    }
}
