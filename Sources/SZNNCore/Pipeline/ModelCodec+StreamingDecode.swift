import Foundation

/// The streaming decompressor: a `.sznn` file in, safetensors out, a window of records at a time.
extension ModelCodec {
    /// Decoded bytes a window may hold per worker thread (64 MiB); a larger tensor is a window of its own.
    static let decodeWindowBytesPerThread = 64 << 20

    /// Writes records `range` of `file` into `writer` as one safetensors file: the header (from
    /// the record headers alone), then each tensor's decoded bytes in record order.
    ///
    /// The bytes are those `Safetensors.encode(decompress(container))` gives for the same records
    /// and the file's `model_metadata`. Each window (consecutive records up to
    /// `decodeWindowBytesPerThread` × threads decoded, or `windowBytes`) is read, decoded on every
    /// core and written before the next, so memory holds one window, never the model. The caller
    /// checks the decode budget first. An update file (with a base block) fails with E701: its
    /// base must be held whole, which the in-memory path does.
    public static func decompress(_ file: ContainerFile, records range: Range<Int>, backends: [BackendIdentifier: any EntropyBackend],
                                  into writer: inout AtomicFile.Writer, windowBytes: Int? = nil) throws {
        if let reference = file.base { throw missingBase(reference, fileName: file.fileName) }
        let headers = file.headers[range].map(\.fields)
        try writer.append(Safetensors.header(headers.map { ($0.name, $0.dtype, $0.shape) }, metadata: modelMetadata(file.metadata)))
        let limit = windowBytes ?? decodeWindowBytesPerThread * ParallelMap.threadCount
        for window in ConsecutiveGroups.split(byteCounts: headers.map(\.originalByteCount), limit: limit) {
            let tensors = try ParallelMap.map(window.count) { offset in
                try TensorDecoder.decode(try file.record(at: range.lowerBound + window.lowerBound + offset), backends: backends)
            }
            for tensor in tensors { try writer.append(tensor.bytes) }
        }
    }

    /// The source model's own metadata as a `.sznn` file carries it (`model_metadata`, FORMAT.md §3).
    public static func modelMetadata(_ metadata: [String: Any]) -> [String: String] {
        metadata["model_metadata"] as? [String: String] ?? [:]
    }
}
