import Foundation

/// Serializes a `Container` as a `.sznn` file (FORMAT.md): version 1, 2 with a graph, 3 with a base; mirrored by `ContainerDecoder`.
public enum ContainerEncoder {
    /// The bytes of the whole file; E106 if the container exceeds `FormatLimits`.
    public static func encode(_ container: Container) throws -> Data {
        // The last guard: `ModelCodec.compress` checks first, but a container may be built by hand,
        // and past the limits the narrowing conversions below would trap or write an unreadable file.
        try FormatLimits.check(tensorCount: container.records.count)
        for record in container.records { try FormatLimits.check(name: record.name, shape: record.shape) }
        let json = try metadataJSON(container.metadata)
        try FormatLimits.check(metadataBytes: json.count)
        if let graph = container.graph { try FormatLimits.check(graph: graph) }
        try checkBase(container)

        var output = prefix(metadataJSON: json, recordCount: container.records.count, graph: container.graph, base: container.base)
        for record in container.records { output.append(encodeRecord(record)) }
        return output
    }

    /// Everything before the first record: file header, metadata, graph and base blocks.
    ///
    /// With `encodeRecord` it lets a writer stream a file whose records are coded one after
    /// another; `encode` is the two of them over a whole container. The caller has checked
    /// `FormatLimits` (the count fits a u32, the JSON the metadata limit).
    static func prefix(metadataJSON json: Data, recordCount: Int, graph: ModelGraph?, base: BaseReference?) -> Data {
        var file = ByteWriter()
        file.append(contentsOf: Container.magic)
        file.append(Container.formatVersion(graph: graph, base: base))
        file.append(Container.formatFlags(graph: graph, base: base))
        file.append(UInt32(recordCount))
        file.append(file.bytes.withUnsafeBytes { CRC32.checksum($0) })

        file.append(UInt32(json.count))
        file.append(contentsOf: json)
        file.append(json.withUnsafeBytes { CRC32.checksum($0) })

        var output = Data(file.bytes)
        if let graph { output.append(encodeGraph(graph)) }
        if let base { output.append(contentsOf: encodeBase(base)) }
        return output
    }

    /// One record as the file holds it: header length, header, header CRC, payload (FORMAT.md §4).
    static func encodeRecord(_ record: TensorRecord) -> Data {
        var output = recordPrefix(record, payloadChecksum: record.payload.withUnsafeBytes { CRC32.checksum($0) })
        output.append(record.payload)
        return output
    }

    /// The bytes of a record before its payload: header length, header and header CRC. A
    /// streaming writer appends the payload after it, with no copy of the two joined.
    static func recordPrefix(_ record: TensorRecord, payloadChecksum: UInt32) -> Data {
        let header = encodeHeader(record, payloadChecksum: payloadChecksum)
        var prefix = ByteWriter()
        prefix.append(UInt32(header.count))
        prefix.append(contentsOf: header)
        prefix.append(header.withUnsafeBytes { CRC32.checksum($0) })
        return Data(prefix.bytes)
    }

    /// The bytes the graph block of `graph` takes in a file (0 without a graph), for reports that
    /// separate the weights' bytes from the architecture's.
    public static func graphBlockByteCount(_ graph: ModelGraph?) -> Int {
        graph.map { 1 + $0.format.utf8.count + 8 + $0.bytes.count + 4 } ?? 0
    }

    /// The graph block (FORMAT.md §3a): format name, graph bytes, and one CRC over both.
    static func encodeGraph(_ graph: ModelGraph) -> Data {
        let format = Data(graph.format.utf8)
        var prefix = ByteWriter()
        prefix.append(UInt8(format.count))
        prefix.append(contentsOf: Array(format))
        prefix.append(UInt64(graph.bytes.count))
        var checked = format
        checked.append(graph.bytes)
        var block = Data(prefix.bytes)
        block.append(graph.bytes)
        var suffix = ByteWriter()
        suffix.append(checked.withUnsafeBytes { CRC32.checksum($0) })
        block.append(contentsOf: suffix.bytes)
        return block
    }

    /// Delta records need a base reference that counts them, and a base reference needs delta records:
    /// what the decoder checks, refused before anything is written.
    static func checkBase(_ container: Container) throws {
        let deltas = container.records.filter { $0.storage == .delta }.count
        guard let base = container.base else {
            guard deltas == 0 else { throw SZNNError(.invalidArgument, "\(deltas) delta record(s) but no base reference") }
            return
        }
        guard base.digest.count == SHA256.byteCount, base.tensorCount == deltas, deltas > 0 else {
            throw SZNNError(.invalidArgument, "the base reference covers \(base.tensorCount) tensors with a \(base.digest.count)-byte digest; the file has \(deltas) delta records")
        }
    }

    /// The base block (FORMAT.md §3b): algorithm id, digest, tensor count, CRC of the three.
    static func encodeBase(_ base: BaseReference) -> [UInt8] {
        var block = ByteWriter()
        block.append(BaseReference.sha256Algorithm)
        block.append(contentsOf: base.digest)
        block.append(UInt32(base.tensorCount))
        let checksum = block.bytes.withUnsafeBytes { CRC32.checksum($0) }
        block.append(checksum)
        return block.bytes
    }

    /// The metadata as the file holds it: JSON with sorted keys.
    static func metadataJSON(_ metadata: [String: Any]) throws -> Data {
        do {
            return try JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys])
        } catch {
            throw SZNNError(.writeFailed, "metadata cannot be written as JSON: \(error.localizedDescription)")
        }
    }

    /// The header fields of one record (FORMAT.md §4), without length prefix and CRC.
    static func encodeHeader(_ record: TensorRecord, payloadChecksum: UInt32) -> [UInt8] {
        var header = ByteWriter()
        let name = Array(record.name.utf8)
        header.append(UInt16(name.count))
        header.append(contentsOf: name)
        header.append(record.dtype.rawValue)
        header.append(UInt8(record.shape.count))
        for dimension in record.shape { header.append(UInt64(dimension)) }
        header.append(record.storage.rawValue)
        header.append(record.backend.rawValue)
        header.append(record.predictor.rawValue)
        header.append(UInt32(record.radius))
        if let bounds = record.bounds {
            header.append(bounds.axis.map { UInt8($0) } ?? 0xFF)
            header.append(UInt32(bounds.values.count))
            if bounds.axis == nil {
                header.append(bounds.values[0])
            } else {
                header.append(bounds.maximum)
                header.append(contentsOf: ErrorBounds.sliceCodes(bounds.values))
            }
        } else {
            header.append(UInt8(0xFF))
            header.append(UInt32(0))
        }
        header.append(UInt32(record.chunkElements))
        header.append(UInt64(record.payload.count))
        header.append(payloadChecksum)
        return header.bytes
    }
}
