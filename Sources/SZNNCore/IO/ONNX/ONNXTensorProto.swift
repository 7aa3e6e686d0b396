import Foundation

/// TensorProto ↔ `Tensor`: ONNX's element types, its typed data fields, raw data and external data.
///
/// Field numbers are those of `onnx.proto` (TensorProto): dims 1, data_type 2, float_data 4,
/// int32_data 5, string_data 6, int64_data 7, name 8, raw_data 9, double_data 10, uint64_data 11,
/// external_data 13 (key 1, value 2), data_location 14 (1 = external).
enum ONNXTensorProto {
    enum Field {
        static let dims = 1, dataType = 2, floatData = 4, int32Data = 5, stringData = 6, int64Data = 7
        static let name = 8, rawData = 9, doubleData = 10, uint64Data = 11, externalData = 13, dataLocation = 14
        /// The fields that carry element values: stripped from the skeleton, restored on write.
        static let data: Set<Int> = [floatData, int32Data, int64Data, rawData, doubleData, uint64Data, externalData, dataLocation]
    }

    /// ONNX `TensorProto.DataType` codes and the Core dtype each maps to.
    static let dtypes: [Int: DType] = [1: .float32, 2: .uint8, 3: .int8, 4: .uint16, 5: .int16, 6: .int32, 7: .int64,
                                       9: .bool, 10: .float16, 11: .float64, 12: .uint32, 13: .uint64, 16: .bfloat16]

    /// The ONNX code of a Core dtype.
    static func code(of dtype: DType) -> Int { dtypes.first { $0.value == dtype }!.key }

    /// The header of one TensorProto: name, shape and ONNX type code.
    struct Header {
        var name = ""
        var dims: [Int] = []
        var dataType = 0
    }

    /// Reads a TensorProto's header and, unless it is a type sz-nn does not hold (strings), its elements.
    ///
    /// `externalFolder` resolves external data; nil means external data is an error (a nested
    /// attribute tensor). Returns nil for tensors whose type has no Core dtype (they stay in the skeleton).
    static func decode(_ bytes: Data, reader parent: ProtobufReader, externalFolder: URL?) throws -> (Header, Tensor?) {
        var reader = try parent.nested(bytes, "tensor")
        var header = Header()
        var raw: Data?, external: [String: String] = [:], isExternal = false
        var floats: [UInt32] = [], doubles: [UInt64] = [], words: [UInt64] = []
        while let field = try reader.next() {
            switch field.number {
            case Field.dims:
                header.dims += try reader.varints(field, "tensor dims").map { Int(Int64(bitPattern: $0)) }
            case Field.dataType: header.dataType = Int(try reader.int64(field, "tensor data_type"))
            case Field.name: header.name = try reader.string(field, "tensor name")
            case Field.rawData: raw = try reader.bytes(field, "raw_data")
            case Field.floatData: floats += try reader.fixed32s(field, "float_data")
            case Field.doubleData: doubles += try reader.fixed64s(field, "double_data")
            case Field.int32Data, Field.int64Data, Field.uint64Data: words += try reader.varints(field, "integer data")
            case Field.dataLocation: isExternal = try reader.varint(field, "data_location") == 1
            case Field.externalData:
                var entry = try reader.nested(try reader.bytes(field, "external_data"), "external_data")
                var key = "", value = ""
                while let item = try entry.next() {
                    if item.number == 1 { key = try entry.string(item, "external_data key") }
                    if item.number == 2 { value = try entry.string(item, "external_data value") }
                }
                external[key] = value
            default: continue
            }
        }
        guard let dtype = dtypes[header.dataType] else { return (header, nil) }
        guard header.dims.allSatisfy({ $0 >= 0 }) else {
            throw parent.failure("tensor '\(header.name)' has a negative dimension \(header.dims)", at: bytes.startIndex)
        }
        let count = header.dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        let elementBytes: Data
        if isExternal {
            guard let externalFolder else {
                throw parent.failure("tensor '\(header.name)' keeps its data in an external file, which is not allowed here", at: bytes.startIndex)
            }
            elementBytes = try ONNXExternalData.read(external, tensor: header.name, folder: externalFolder, fileName: parent.fileName)
        } else if let raw {
            elementBytes = raw
        } else {
            elementBytes = typedBytes(dtype: dtype, count: count, floats: floats, doubles: doubles, words: words)
        }
        do {
            return (header, try Tensor(name: header.name, dtype: dtype, shape: header.dims, bytes: Data(elementBytes)))
        } catch {
            throw SZNNError(.malformedModelFile,
                            "\(parent.fileName): initializer '\(header.name)' has \(elementBytes.count) bytes of data but shape \(header.dims) of \(dtype.safetensorsName)",
                            hint: "the file is truncated or was written wrongly; export it again")
        }
    }

    /// Element bytes from the typed fields: float_data for float32, int32_data for the narrow
    /// types (float16/bfloat16 as their bit patterns), int64/uint64 words, double_data.
    private static func typedBytes(dtype: DType, count: Int, floats: [UInt32], doubles: [UInt64], words: [UInt64]) -> Data {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        switch dtype {
        case .float32: floats.forEach { append($0) }
        case .float64: doubles.forEach { append($0) }
        case .int64, .uint64: words.forEach { append($0) }
        case .int32, .uint32: words.forEach { append(UInt32(truncatingIfNeeded: $0)) }
        case .int16, .uint16, .float16, .bfloat16: words.forEach { append(UInt16(truncatingIfNeeded: $0)) }
        case .int8, .uint8, .bool: words.forEach { append(UInt8(truncatingIfNeeded: $0)) }
        }
        return data
    }

    /// A TensorProto's bytes with every data field removed (the skeleton's form).
    static func stripped(_ bytes: Data, reader parent: ProtobufReader) throws -> Data {
        var reader = try parent.nested(bytes, "tensor")
        var writer = ProtobufWriter()
        while let field = try reader.next() {
            if !Field.data.contains(field.number) { writer.appendRaw(reader.raw(field)) }
        }
        return writer.bytes
    }

    /// The skeleton's TensorProto with `tensor`'s elements appended as raw_data (after checking they agree).
    static func filled(_ skeleton: Data, header: Header, with tensor: Tensor) throws -> Data {
        guard header.dims == tensor.shape, dtypes[header.dataType] == tensor.dtype else {
            throw SZNNError(.architectureMismatch,
                            "initializer '\(header.name)' is \(header.dims) of ONNX type \(header.dataType), but the weights hold \(tensor.shape) \(tensor.dtype.safetensorsName)",
                            hint: "the weights must come from the same ONNX graph")
        }
        var writer = ProtobufWriter()
        writer.appendRaw(skeleton)
        writer.appendBytes(Field.rawData, tensor.bytes)
        return writer.bytes
    }
}
