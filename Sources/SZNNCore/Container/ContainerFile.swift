import Foundation

/// A `.sznn` file read from disk record by record, never whole: the streaming twin of `ContainerDecoder.decode`.
///
/// Opening it reads the header, the metadata, graph and base blocks and every record's header
/// (skipping the payloads), with the checks of `ContainerDecoder`, so a truncated or corrupt
/// file fails with the same error codes; `record(at:)` then reads one record's payload and
/// checks its CRC when the decoder needs it.
public struct ContainerFile: @unchecked Sendable {
    /// The file's name, for error messages.
    public let fileName: String
    /// The metadata JSON object (FORMAT.md §3).
    public let metadata: [String: Any]
    public let graph: ModelGraph?
    public let base: BaseReference?
    /// Every record's header, in file order.
    public let headers: [RecordHeader]
    /// The file's size in bytes.
    public var byteCount: Int { file.byteCount }
    private let file: FileSource
    /// Where each record begins in the file.
    private let recordOffsets: [Int]

    /// Opens `url` and reads everything but the payloads.
    public init(_ url: URL) throws {
        fileName = url.lastPathComponent
        file = try FileSource(url)
        var reader = FileByteReader(file, context: fileName)
        let prefix = try ContainerDecoder.decodePrefix(&reader, fileName: fileName)
        var sequence = ContainerDecoder.RecordSequence(fileName: fileName, base: prefix.base)
        var headers: [RecordHeader] = []
        var offsets: [Int] = []
        for position in 0..<prefix.recordCount {
            reader.context = "\(fileName), record \(position)"
            offsets.append(reader.offset)
            let header = try ContainerDecoder.decodeRecordHeader(&reader)
            try sequence.accept(header.fields)
            try reader.skip(header.payloadLength, "payload")
            headers.append(header)
        }
        try sequence.finish(remaining: reader.remaining)
        metadata = prefix.metadata
        graph = prefix.graph
        base = prefix.base
        self.headers = headers
        recordOffsets = offsets
    }

    /// The record at `position` with its payload, read from the file and checked against its CRCs.
    public func record(at position: Int) throws -> TensorRecord {
        var reader = FileByteReader(file, offset: recordOffsets[position], context: "\(fileName), record \(position)")
        return try ContainerDecoder.decodeRecord(&reader)
    }
}
