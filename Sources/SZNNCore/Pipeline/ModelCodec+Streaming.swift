import Foundation

/// The streaming compressor: a safetensors model in, a `.sznn` file out, a window of tensors at a time.
extension ModelCodec {
    /// Input bytes a window may hold per worker thread (64 MiB); a larger tensor is a window of its own.
    static let windowBytesPerThread = 64 << 20

    /// Compresses the model `source` reads into `writer`, tensor window by window, and returns
    /// the header of every record written (for the report).
    ///
    /// The bytes are those `ContainerEncoder.encode(compress(model, …))` gives for the same model,
    /// plan and metadata: the records are coded by the same `records(…)`, in file order. Each
    /// window (consecutive tensors up to `windowBytesPerThread` × threads of input) is read,
    /// coded on every core and written before the next is read, so memory holds one window's
    /// tensors and records, never the model. No base: updates need the whole base model anyway.
    /// `windowBytes` overrides the window's input limit (tests use it to force many windows).
    public static func compress(_ source: SafetensorsSource, plan: CompressionPlan, backend: any EntropyBackend,
                                metadata: [String: Any], into writer: inout AtomicFile.Writer, windowBytes: Int? = nil,
                                choosePredictor: ((Tensor, TensorSettings) throws -> PredictorKind)? = nil,
                                progress: (Int, Int) -> Void = { _, _ in }) throws -> [RecordHeader] {
        var fullMetadata = metadata
        fullMetadata["model_metadata"] = source.metadata
        try FormatLimits.check(tensorCount: source.items.count)
        for item in source.items { try FormatLimits.check(name: item.entry.name, shape: item.entry.shape) }
        let json = try ContainerEncoder.metadataJSON(fullMetadata)
        try FormatLimits.check(metadataBytes: json.count)
        try writer.append(ContainerEncoder.prefix(metadataJSON: json, recordCount: source.items.count, graph: nil, base: nil))

        let total = source.items.count
        var headers: [RecordHeader] = []
        progress(0, total)
        for window in ConsecutiveGroups.split(byteCounts: source.items.map(\.fileRange.count), limit: windowBytes ?? windowBytesPerThread * ParallelMap.threadCount) {
            // Read on every core too: a window's copy out of the page cache is a serial pass otherwise.
            let positions = Array(window)
            let tensors = try ParallelMap.map(positions.count) { try source.tensor(at: positions[$0]) }
            let done = headers.count
            let records = try records(tensors, baseTensors: tensors.map { _ in nil }, plan: plan, backend: backend,
                                      choosePredictor: choosePredictor) { finished, _ in progress(done + finished, total) }
            let checksums = try ParallelMap.map(records.count) { records[$0].payload.withUnsafeBytes { CRC32.checksum($0) } }
            for (record, checksum) in zip(records, checksums) {
                try writer.append(ContainerEncoder.recordPrefix(record, payloadChecksum: checksum))
                try writer.append(record.payload)
                var fields = record
                fields.payload = Data()
                headers.append(RecordHeader(fields: fields, payloadLength: record.payload.count, payloadChecksum: checksum, context: record.name))
            }
        }
        return headers
    }
}
