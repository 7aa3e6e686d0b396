import Foundation

/// Reads and writes safetensors files: an 8-byte little-endian header length, a JSON header, then data.
///
/// The header maps each tensor name to `{dtype, shape, data_offsets: [begin, end]}` (offsets
/// relative to the start of the data buffer) plus an optional `__metadata__` string→string map.
/// As in the reference implementation, the tensors must tile the data buffer exactly: sorted by
/// offset, each begins where the previous ends, the first at 0 and the last at the end of the
/// file. Gaps and overlaps are rejected. Tensor order is the data order (JSON objects are
/// unordered), and writing keeps the model's order with the header padded with spaces to a
/// multiple of 8 bytes.
public enum Safetensors {
    /// Largest header accepted, as in the reference implementation (100 MB).
    static let maximumHeaderLength = 100_000_000

    /// Decodes a safetensors file; tensors' `bytes` are slices of `data` (no copy).
    public static func decode(_ data: Data, fileName: String) throws -> Model {
        guard let declaredLength = data.littleEndian(UInt64.self, at: 0) else {
            throw malformed(fileName, "file has \(data.count) bytes, fewer than the 8-byte header length")
        }
        guard declaredLength <= UInt64(maximumHeaderLength) else {
            throw malformed(fileName, "header length \(declaredLength) exceeds the \(maximumHeaderLength)-byte limit")
        }
        let headerLength = Int(declaredLength)
        guard let headerData = data.slice(relative: 8..<(8 + headerLength)) else {
            throw malformed(fileName, "header length \(headerLength) runs past the end of the \(data.count)-byte file (truncated?)")
        }
        let header = try JSONHeaderParser.parse([UInt8](headerData), fileName: fileName)
        guard case let .object(members) = header else {
            throw malformed(fileName, "header is not a JSON object")
        }
        let bufferStart = 8 + headerLength
        let bufferLength = data.count - bufferStart

        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: DType, shape: [Int], range: Range<Int>)] = []
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try decodeMetadata(value, fileName: fileName)
            } else {
                entries.append(try decodeEntry(name: name, value, fileName: fileName))
            }
        }

        // Tile check: sorted by offset, contiguous from 0 to the end of the buffer.
        entries.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var expectedBegin = 0
        for entry in entries {
            if entry.range.lowerBound < expectedBegin {
                throw malformed(fileName, "tensor '\(entry.name)' at bytes \(entry.range) overlaps the previous tensor")
            }
            if entry.range.lowerBound > expectedBegin {
                throw malformed(fileName, "gap of \(entry.range.lowerBound - expectedBegin) bytes before tensor '\(entry.name)' (offsets must be contiguous)")
            }
            guard entry.range.upperBound <= bufferLength else {
                throw malformed(fileName, "tensor '\(entry.name)' data_offsets \(entry.range) run past the \(bufferLength)-byte data buffer (truncated?)")
            }
            expectedBegin = entry.range.upperBound
        }
        guard expectedBegin == bufferLength else {
            throw malformed(fileName, "data buffer has \(bufferLength - expectedBegin) bytes after the last tensor")
        }

        var tensors: [Tensor] = []
        tensors.reserveCapacity(entries.count)
        for entry in entries {
            let start = bufferStart + entry.range.lowerBound
            guard let bytes = data.slice(relative: start..<(start + entry.range.count)) else {
                throw malformed(fileName, "tensor '\(entry.name)' lies outside the file")
            }
            tensors.append(try Tensor(name: entry.name, dtype: entry.dtype, shape: entry.shape, bytes: bytes))
        }
        return Model(tensors: tensors, metadata: metadata)
    }

    /// Encodes a model: header in the model's tensor order, `__metadata__` first (keys sorted), data in the same order.
    public static func encode(_ model: Model) throws -> Data {
        var names = Set<String>()
        var header = "{"
        var members: [String] = []
        if !model.metadata.isEmpty {
            let pairs = model.metadata.keys.sorted().map { key in
                JSONWriter.quoted(key) + ":" + JSONWriter.quoted(model.metadata[key] ?? "")
            }
            members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for tensor in model.tensors {
            guard tensor.name != "__metadata__" else {
                throw SZNNError(.invalidArgument, "a tensor may not be named '__metadata__' in safetensors",
                                hint: "rename the tensor")
            }
            guard names.insert(tensor.name).inserted else {
                throw SZNNError(.duplicateTensor, "model has two tensors named '\(tensor.name)'",
                                hint: "tensor names must be unique")
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            let end = offset + tensor.bytes.count
            members.append(JSONWriter.quoted(tensor.name) + ":{\"dtype\":\"\(tensor.dtype.safetensorsName)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += members.joined(separator: ",") + "}"
        var headerBytes = Data(header.utf8)
        let padding = (8 - headerBytes.count % 8) % 8
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))

        var output = Data(capacity: 8 + headerBytes.count + offset)
        output.appendLittleEndian(UInt64(headerBytes.count))
        output.append(headerBytes)
        for tensor in model.tensors { output.append(tensor.bytes) }
        return output
    }

    /// The `__metadata__` object, which must map strings to strings.
    private static func decodeMetadata(_ value: JSONValue, fileName: String) throws -> [String: String] {
        guard case let .object(pairs) = value else {
            throw malformed(fileName, "__metadata__ is not an object")
        }
        var metadata: [String: String] = [:]
        for (key, item) in pairs {
            guard case let .string(text) = item else {
                throw malformed(fileName, "__metadata__ value for '\(key)' is not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    /// One tensor entry: dtype known, shape of non-negative integers, offsets ordered, byte count = shape × dtype.
    private static func decodeEntry(name: String, _ value: JSONValue, fileName: String)
        throws -> (name: String, dtype: DType, shape: [Int], range: Range<Int>) {
        guard case let .object(fields) = value else {
            throw malformed(fileName, "entry for tensor '\(name)' is not an object")
        }
        func field(_ key: String) throws -> JSONValue {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw malformed(fileName, "tensor '\(name)' has no '\(key)'")
            }
            return found.value
        }
        guard case let .string(dtypeName) = try field("dtype") else {
            throw malformed(fileName, "tensor '\(name)' has a dtype that is not a string")
        }
        guard let dtype = DType(safetensorsName: dtypeName) else {
            throw SZNNError(.unsupportedDType, "'\(fileName)': tensor '\(name)' has unsupported dtype '\(dtypeName)'",
                            hint: "supported: " + DType.allCases.map(\.safetensorsName).joined(separator: ", "))
        }
        guard case let .array(dimensions) = try field("shape") else {
            throw malformed(fileName, "tensor '\(name)' has a shape that is not an array")
        }
        var shape: [Int] = []
        for dimension in dimensions {
            guard let size = dimension.nonNegativeInteger else {
                throw malformed(fileName, "tensor '\(name)' has a shape entry that is not a non-negative integer")
            }
            shape.append(size)
        }
        guard case let .array(offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger else {
            throw malformed(fileName, "tensor '\(name)' needs data_offsets [begin, end] of non-negative integers")
        }
        guard begin <= end else {
            throw malformed(fileName, "tensor '\(name)' has data_offsets begin \(begin) after end \(end)")
        }
        let (count, overflow) = Tensor.checkedProduct(shape)
        let (byteCount, byteOverflow) = count.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow, !byteOverflow else {
            throw malformed(fileName, "tensor '\(name)' shape \(shape) is too large")
        }
        guard byteCount == end - begin else {
            throw malformed(fileName, "tensor '\(name)' spans \(end - begin) bytes but shape \(shape) of \(dtypeName) needs \(byteCount)")
        }
        return (name, dtype, shape, begin..<end)
    }

    private static func malformed(_ fileName: String, _ message: String) -> SZNNError {
        SZNNError(.malformedModelFile, "'\(fileName)': \(message)",
                  hint: "the safetensors file is corrupt or truncated; re-export it")
    }
}
