import Foundation

/// The header of a safetensors file: its tensors in data order, its metadata and where its data begins.
///
/// As in the reference implementation, the tensors must tile the data buffer exactly: sorted by
/// offset, each begins where the previous ends, the first at 0 and the last at the end of the
/// file. Gaps and overlaps are rejected. It is read from the header bytes alone, so a streaming
/// reader learns every tensor before it reads any element.
public struct SafetensorsLayout: Sendable {
    /// Largest header accepted, as in the reference implementation (100 MB).
    static let maximumHeaderLength = 100_000_000

    /// One tensor: its name, dtype, shape, and its bytes relative to the start of the data buffer.
    public struct Entry: Sendable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        public let range: Range<Int>
    }

    /// The tensors in data order (JSON objects are unordered; the data is not).
    public let entries: [Entry]
    /// The `__metadata__` string map (empty without one).
    public let metadata: [String: String]
    /// Offset of the data buffer in the file: 8 + the header length.
    public let dataStart: Int

    /// The bytes of `entry` in the file.
    public func fileRange(of entry: Entry) -> Range<Int> {
        (dataStart + entry.range.lowerBound)..<(dataStart + entry.range.upperBound)
    }

    /// The layout of the safetensors file `file` (its first 8 bytes, then its header; no tensor data is read).
    public init(reading file: FileSource, fileName: String) throws {
        let lengthBytes = try file.read(at: 0, count: min(8, file.byteCount))
        let headerLength = try SafetensorsLayout.headerLength(lengthBytes, fileByteCount: file.byteCount, fileName: fileName)
        try self.init(header: try file.read(at: 8, count: headerLength), fileByteCount: file.byteCount, fileName: fileName)
    }

    /// The header length that the 8 bytes `lengthBytes` declare, checked against the file's size.
    static func headerLength(_ lengthBytes: Data, fileByteCount: Int, fileName: String) throws -> Int {
        guard let declaredLength = lengthBytes.littleEndian(UInt64.self, at: 0) else {
            throw malformed(fileName, "file has \(fileByteCount) bytes, fewer than the 8-byte header length")
        }
        guard declaredLength <= UInt64(maximumHeaderLength) else {
            throw malformed(fileName, "header length \(declaredLength) exceeds the \(maximumHeaderLength)-byte limit")
        }
        let headerLength = Int(declaredLength)
        guard 8 + headerLength <= fileByteCount else {
            throw malformed(fileName, "header length \(headerLength) runs past the end of the \(fileByteCount)-byte file (truncated?)")
        }
        return headerLength
    }

    /// Parses the JSON `header` of a file of `fileByteCount` bytes and checks that its tensors tile the data.
    init(header headerData: Data, fileByteCount: Int, fileName: String) throws {
        let header = try JSONHeaderParser.parse([UInt8](headerData), fileName: fileName)
        guard case let .object(members) = header else {
            throw SafetensorsLayout.malformed(fileName, "header is not a JSON object")
        }
        dataStart = 8 + headerData.count
        let bufferLength = fileByteCount - dataStart

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try SafetensorsLayout.decodeMetadata(value, fileName: fileName)
            } else {
                entries.append(try SafetensorsLayout.decodeEntry(name: name, value, fileName: fileName))
            }
        }

        // Tile check: sorted by offset, contiguous from 0 to the end of the buffer.
        entries.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var expectedBegin = 0
        for entry in entries {
            if entry.range.lowerBound < expectedBegin {
                throw SafetensorsLayout.malformed(fileName, "tensor '\(entry.name)' at bytes \(entry.range) overlaps the previous tensor")
            }
            if entry.range.lowerBound > expectedBegin {
                throw SafetensorsLayout.malformed(fileName, "gap of \(entry.range.lowerBound - expectedBegin) bytes before tensor '\(entry.name)' (offsets must be contiguous)")
            }
            guard entry.range.upperBound <= bufferLength else {
                throw SafetensorsLayout.malformed(fileName, "tensor '\(entry.name)' data_offsets \(entry.range) run past the \(bufferLength)-byte data buffer (truncated?)")
            }
            expectedBegin = entry.range.upperBound
        }
        guard expectedBegin == bufferLength else {
            throw SafetensorsLayout.malformed(fileName, "data buffer has \(bufferLength - expectedBegin) bytes after the last tensor")
        }
        self.entries = entries
        self.metadata = metadata
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
        throws -> Entry {
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
        return Entry(name: name, dtype: dtype, shape: shape, range: begin..<end)
    }

    static func malformed(_ fileName: String, _ message: String) -> SZNNError {
        SZNNError(.malformedModelFile, "'\(fileName)': \(message)",
                  hint: "the safetensors file is corrupt or truncated; re-export it")
    }
}
