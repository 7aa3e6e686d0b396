import Foundation

/// Parses a `.sznn` file of version 1, 2 or 3 (FORMAT.md), checking every field and checksum; mirrors `ContainerEncoder`.
///
/// Nothing read is trusted: lengths are checked against what remains before anything is
/// allocated, so a truncated or bit-flipped file fails with one error and never crashes.
public enum ContainerDecoder {
    /// Decodes the whole file; `fileName` names it in errors.
    public static func decode(_ data: Data, fileName: String) throws -> Container {
        var reader = ByteReader(data, context: fileName)
        let prefix = try decodePrefix(&reader, fileName: fileName)
        var sequence = RecordSequence(fileName: fileName, base: prefix.base)
        var records: [TensorRecord] = []
        for position in 0..<prefix.recordCount {
            reader.context = "\(fileName), record \(position)"
            let record = try decodeRecord(&reader)
            try sequence.accept(record)
            records.append(record)
        }
        try sequence.finish(remaining: reader.remaining)
        return Container(metadata: prefix.metadata, records: records, graph: prefix.graph, base: prefix.base)
    }

    /// What comes before the records: the file header's record count, the metadata, graph and base blocks.
    struct Prefix {
        let recordCount: Int
        let metadata: [String: Any]
        let graph: ModelGraph?
        let base: BaseReference?
    }

    /// The file header, metadata, graph and base blocks (FORMAT.md §2 … §3b), each checked against its CRC.
    static func decodePrefix<Input: ByteInput>(_ reader: inout Input, fileName: String) throws -> Prefix {
        let fixed = try reader.bytes(min(12, reader.remaining), "file header")
        // Fewer than 4 bytes that begin the magic (an empty file too) are a cut-off file, not a foreign one.
        if fixed.count < 4, Array(fixed) == Array(Container.magic.prefix(fixed.count)) {
            throw SZNNError(.truncated, "\(fileName): file ends inside the file header (\(fixed.count) bytes)",
                            hint: "the file is incomplete; compress it again or fetch it again")
        }
        guard Array(fixed.prefix(4)) == Container.magic else {
            throw SZNNError(.notSZNN, "\(fileName) is not an .sznn file (wrong magic bytes)",
                            hint: "pass a file written by `sz-nn compress`")
        }
        guard fixed.count == 12 else {
            throw SZNNError(.truncated, "\(fileName): file ends inside file header (needs 12 bytes at offset 0, \(fixed.count) left)",
                            hint: "the file is incomplete; compress it again or fetch it again")
        }
        let version = fixed.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: 4, as: UInt16.self)) }
        let flags = fixed.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: 6, as: UInt16.self)) }
        let count = fixed.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) }
        let headerChecksum = try reader.integer(UInt32.self, "file header CRC")
        guard fixed.withUnsafeBytes({ CRC32.checksum($0) }) == headerChecksum else {
            throw SZNNError(.checksumMismatch, "\(fileName): file header checksum mismatch", hint: "the file is corrupt")
        }
        guard (Container.version...Container.deltaVersion).contains(version) else {
            throw SZNNError(.unsupportedVersion, "\(fileName) is .sznn version \(version); this build reads versions 1, 2 and 3",
                            hint: "use the sz-nn release that wrote it")
        }
        // Version 1 has no blocks, version 2 exactly the graph, version 3 the base and perhaps the graph.
        let flagsValid = switch version {
        case Container.version: flags == 0
        case Container.graphVersion: flags == Container.graphFlag
        default: flags == Container.baseFlag || flags == Container.baseFlag | Container.graphFlag
        }
        guard flagsValid else {
            throw SZNNError(.malformedContainer, "\(fileName): version \(version) does not allow header flags \(flags)")
        }

        let jsonLength = Int(try reader.integer(UInt32.self, "metadata length"))
        // `FormatLimits` bound every field, so a corrupt length cannot make the reader allocate wildly.
        guard jsonLength <= FormatLimits.maximumMetadataBytes else {
            throw SZNNError(.malformedContainer, "\(fileName): metadata length \(jsonLength) exceeds \(FormatLimits.maximumMetadataBytes)")
        }
        let json = try reader.bytes(jsonLength, "metadata")
        let jsonChecksum = try reader.integer(UInt32.self, "metadata CRC")
        guard json.withUnsafeBytes({ CRC32.checksum($0) }) == jsonChecksum else {
            throw SZNNError(.checksumMismatch, "\(fileName): metadata checksum mismatch", hint: "the file is corrupt")
        }
        guard let metadata = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw SZNNError(.malformedContainer, "\(fileName): metadata is not a JSON object")
        }

        reader.context = "\(fileName), graph block"
        let graph = flags & Container.graphFlag != 0 ? try decodeGraph(&reader) : nil
        reader.context = "\(fileName), base block"
        let base = flags & Container.baseFlag != 0 ? try decodeBase(&reader) : nil
        return Prefix(recordCount: Int(count), metadata: metadata, graph: graph, base: base)
    }

    /// The checks that span records: unique names, delta records only beside a base block that
    /// counts them, and nothing after the last record.
    struct RecordSequence {
        let fileName: String
        let base: BaseReference?
        private var names = Set<String>()
        private var deltaCount = 0

        init(fileName: String, base: BaseReference?) {
            self.fileName = fileName
            self.base = base
        }

        /// Checks `record` against the records before it.
        mutating func accept(_ record: TensorRecord) throws {
            guard names.insert(record.name).inserted else {
                throw SZNNError(.malformedContainer, "\(fileName): tensor '\(record.name)' appears twice")
            }
            guard record.storage != .delta || base != nil else {
                throw SZNNError(.malformedContainer, "\(fileName): tensor '\(record.name)' is a delta record in a file without a base block")
            }
            if record.storage == .delta { deltaCount += 1 }
        }

        /// Checks the whole sequence once the last record is read, with `remaining` bytes left in the file.
        func finish(remaining: Int) throws {
            if let base, base.tensorCount != deltaCount {
                throw SZNNError(.malformedContainer, "\(fileName): the base block covers \(base.tensorCount) tensors but the file has \(deltaCount) delta records")
            }
            guard remaining == 0 else {
                throw SZNNError(.malformedContainer, "\(fileName): \(remaining) unexpected bytes after the last record",
                                hint: "the file is corrupt or was concatenated")
            }
        }
    }

    /// The graph block (FORMAT.md §3a), its length bounded by `FormatLimits` before anything is copied.
    static func decodeGraph<Input: ByteInput>(_ reader: inout Input) throws -> ModelGraph {
        let formatLength = Int(try reader.integer(UInt8.self, "graph format length"))
        let formatBytes = try reader.bytes(formatLength, "graph format")
        let length = try reader.integer(UInt64.self, "graph length")
        guard length <= UInt64(FormatLimits.maximumGraphBytes) else {
            throw SZNNError(.malformedContainer, "\(reader.context): graph length \(length) exceeds \(FormatLimits.maximumGraphBytes)")
        }
        let bytes = try reader.bytes(Int(length), "graph")
        let checksum = try reader.integer(UInt32.self, "graph CRC")
        var checked = formatBytes
        checked.append(bytes)
        guard checked.withUnsafeBytes({ CRC32.checksum($0) }) == checksum else {
            throw SZNNError(.checksumMismatch, "\(reader.context): graph checksum mismatch", hint: "the file is corrupt")
        }
        guard let format = String(data: formatBytes, encoding: .ascii), !format.isEmpty else {
            throw SZNNError(.malformedContainer, "\(reader.context): the graph format name is not ASCII text")
        }
        return ModelGraph(format: format, bytes: bytes)
    }

    /// The base block (FORMAT.md §3b), checked against its CRC before any field is believed.
    static func decodeBase<Input: ByteInput>(_ reader: inout Input) throws -> BaseReference {
        let block = try reader.bytes(1 + SHA256.byteCount + 4, "base block")
        let checksum = try reader.integer(UInt32.self, "base block CRC")
        guard block.withUnsafeBytes({ CRC32.checksum($0) }) == checksum else {
            throw SZNNError(.checksumMismatch, "\(reader.context): base block checksum mismatch", hint: "the file is corrupt")
        }
        var fields = ByteReader(block, context: reader.context)
        let algorithm = try fields.integer(UInt8.self, "digest algorithm")
        guard algorithm == BaseReference.sha256Algorithm else {
            throw SZNNError(.malformedContainer, "\(reader.context): digest algorithm \(algorithm) is not known (1 is SHA-256)")
        }
        let digest = Array(try fields.bytes(SHA256.byteCount, "base digest"))
        let tensorCount = Int(try fields.integer(UInt32.self, "base tensor count"))
        guard tensorCount > 0 else { throw SZNNError(.malformedContainer, "\(reader.context): the base block covers no tensor") }
        return BaseReference(digest: digest, tensorCount: tensorCount)
    }

    /// One record: header (checked against its CRC before any field is believed), then payload.
    static func decodeRecord<Input: ByteInput>(_ reader: inout Input) throws -> TensorRecord {
        let header = try decodeRecordHeader(&reader)
        let payload = try reader.bytes(header.payloadLength, "payload")
        guard payload.withUnsafeBytes({ CRC32.checksum($0) }) == header.payloadChecksum else {
            throw SZNNError(.checksumMismatch, "\(header.context): payload checksum mismatch", hint: "the file is corrupt")
        }
        var record = header.fields
        record.payload = payload
        return record
    }

    /// A record's header, checked against its CRC and against the bytes left for its payload,
    /// leaving `reader` at the payload's first byte.
    static func decodeRecordHeader<Input: ByteInput>(_ reader: inout Input) throws -> RecordHeader {
        let headerLength = Int(try reader.integer(UInt32.self, "record header length"))
        let headerBytes = try reader.bytes(headerLength, "record header")
        let headerChecksum = try reader.integer(UInt32.self, "record header CRC")
        guard headerBytes.withUnsafeBytes({ CRC32.checksum($0) }) == headerChecksum else {
            throw SZNNError(.checksumMismatch, "\(reader.context): record header checksum mismatch", hint: "the file is corrupt")
        }
        var header = ByteReader(headerBytes, context: reader.context)
        let nameLength = Int(try header.integer(UInt16.self, "name length"))
        guard nameLength <= FormatLimits.maximumNameBytes, let name = String(data: try header.bytes(nameLength, "name"), encoding: .utf8) else {
            throw SZNNError(.malformedContainer, "\(reader.context): tensor name is not valid UTF-8 of at most \(FormatLimits.maximumNameBytes) bytes")
        }
        let context = "\(reader.context) ('\(name)')"
        header.context = context
        guard let dtype = DType(rawValue: try header.integer(UInt8.self, "dtype")) else {
            throw SZNNError(.malformedContainer, "\(context): unknown dtype id")
        }
        let rank = Int(try header.integer(UInt8.self, "rank"))
        guard rank <= FormatLimits.maximumRank else {
            throw SZNNError(.malformedContainer, "\(context): rank \(rank) exceeds \(FormatLimits.maximumRank)")
        }
        var shape: [Int] = []
        for _ in 0..<rank {
            let dimension = try header.integer(UInt64.self, "dimension")
            guard dimension <= UInt64(FormatLimits.maximumDimension) else { throw SZNNError(.malformedContainer, "\(context): dimension \(dimension) is too large") }
            shape.append(Int(dimension))
        }
        let (elements, overflow) = Tensor.checkedProduct(shape)
        guard !overflow, elements <= FormatLimits.maximumElementCount else { throw SZNNError(.malformedContainer, "\(context): shape \(shape) is too large") }
        guard let storage = TensorRecord.Storage(rawValue: try header.integer(UInt8.self, "storage")) else {
            throw SZNNError(.malformedContainer, "\(context): unknown storage kind")
        }
        let backendID = try header.integer(UInt8.self, "backend")
        guard let backend = BackendIdentifier(rawValue: backendID) else {
            throw SZNNError(.unknownBackend, "\(context): backend id \(backendID) is not known to this build", hint: "use a newer sz-nn")
        }
        let predictorID = try header.integer(UInt8.self, "predictor")
        guard let predictor = PredictorKind(rawValue: predictorID) else {
            throw SZNNError(.unknownPredictor, "\(context): predictor id \(predictorID) is not known to this build", hint: "use a newer sz-nn")
        }
        let radius = try header.integer(UInt32.self, "radius")
        let axisByte = try header.integer(UInt8.self, "bound axis")
        let boundCount = Int(try header.integer(UInt32.self, "bound count"))
        guard boundCount <= header.remaining else { throw SZNNError(.malformedContainer, "\(context): bound count \(boundCount) is too large") }
        var boundValues: [Double] = []
        if axisByte == 0xFF {
            if boundCount > 0 { boundValues.append(try header.float64("bound")) }
        } else {
            let base = try header.float64("bound base")
            let codes = try header.bytes(boundCount, "bound codes")
            boundValues = codes.map { ErrorBounds.sliceBound(base: base, code: $0) }
        }
        let chunkElements = Int(try header.integer(UInt32.self, "chunk elements"))
        let payloadLength = try header.integer(UInt64.self, "payload length")
        let payloadChecksum = try header.integer(UInt32.self, "payload CRC")
        guard header.remaining == 0 else { throw SZNNError(.malformedContainer, "\(context): \(header.remaining) unexpected header bytes") }

        var bounds: ErrorBounds?
        switch storage {
        case .lossless:
            guard radius == 0, boundCount == 0, axisByte == 0xFF, chunkElements == 0, predictor == .zero else {
                throw SZNNError(.malformedContainer, "\(context): lossless record carries quantizer fields")
            }
        case .errorBounded, .delta:
            guard storage == .errorBounded || predictor == .zero else {
                throw SZNNError(.malformedContainer, "\(context): a delta record must have predictor 0 (its prediction is the base)")
            }
            guard dtype.isFloatingPoint, radius > 0, radius <= UInt32(Int32.max), chunkElements > 0 else {
                throw SZNNError(.malformedContainer, "\(context): error-bounded record has invalid dtype, radius or chunk size")
            }
            do {
                bounds = try ErrorBounds(axis: axisByte == 0xFF ? nil : Int(axisByte), values: boundValues, shape: shape)
            } catch {
                throw SZNNError(.malformedContainer, "\(context): invalid error bounds")
            }
        }
        guard payloadLength <= UInt64(reader.remaining) else {
            throw SZNNError(.truncated, "\(context): payload of \(payloadLength) bytes runs past the end of the file",
                            hint: "the file is incomplete; compress it again or fetch it again")
        }
        let fields = TensorRecord(name: name, dtype: dtype, shape: shape, storage: storage, backend: backend, predictor: predictor,
                                  radius: Int32(radius), bounds: bounds, chunkElements: chunkElements, payload: Data())
        return RecordHeader(fields: fields, payloadLength: Int(payloadLength), payloadChecksum: payloadChecksum, context: context)
    }
}

/// A record as its header describes it, before (or without) its payload.
public struct RecordHeader: Sendable {
    /// Every field of the record; its `payload` is empty.
    public var fields: TensorRecord
    /// The payload's length in bytes (checked to fit in the file).
    public var payloadLength: Int
    /// The CRC32 the payload must have.
    var payloadChecksum: UInt32
    /// Where the record is, for error messages ("m.sznn, record 3 ('fc1.weight')").
    var context: String
}
