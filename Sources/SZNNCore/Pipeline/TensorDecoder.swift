import Foundation

/// Rebuilds a tensor from its record; mirrors `TensorEncoder`.
///
/// Every count and length read from the payload is checked against the header before use.
public enum TensorDecoder {
    /// The tensor a record holds; `backends` maps ids to the backends this build has.
    ///
    /// A delta record needs `base`, the base tensor of its name (E701 without it, E702 when its
    /// dtype or shape differ); `ModelCodec.decompress` has checked the base's digest already.
    public static func decode(_ record: TensorRecord, backends: [BackendIdentifier: any EntropyBackend],
                              base: Tensor? = nil) throws -> Tensor {
        guard let backend = backends[record.backend] else {
            throw SZNNError(.unknownBackend, "tensor '\(record.name)' needs the \(record.backend.name) backend, which this build lacks")
        }
        let (byteCount, overflow) = try checkedElementCount(record).multipliedReportingOverflow(by: record.dtype.byteWidth)
        guard !overflow else { throw SZNNError(.malformedContainer, "tensor '\(record.name)' shape \(record.shape) is too large") }
        let bytes: Data
        switch record.storage {
        case .lossless:
            bytes = Data(try record.payload.withUnsafeBytes { try backend.decodeLossless($0, byteCount: byteCount) })
        case .errorBounded:
            bytes = try decodeErrorBounded(record, backend: backend, base: nil)
        case .delta:
            guard let base else {
                throw SZNNError(.baseMissing, "tensor '\(record.name)' is coded against a base, and none was given",
                                hint: "pass the base model the update was made from with --base")
            }
            guard base.dtype == record.dtype, base.shape == record.shape else {
                throw SZNNError(.baseMismatch, "tensor '\(record.name)' needs a base of \(record.dtype.safetensorsName) \(record.shape); the base has \(base.dtype.safetensorsName) \(base.shape)",
                                hint: "pass the base model the update was made from")
            }
            bytes = try decodeErrorBounded(record, backend: backend, base: BasePredictor(base))
        }
        guard bytes.count == byteCount else {
            throw SZNNError(.corruptPayload, "tensor '\(record.name)' decoded to \(bytes.count) bytes, expected \(byteCount)")
        }
        return try Tensor(name: record.name, dtype: record.dtype, shape: record.shape, bytes: bytes)
    }

    static func decodeErrorBounded(_ record: TensorRecord, backend: any EntropyBackend, base: BasePredictor?) throws -> Data {
        guard let bounds = record.bounds else { throw SZNNError(.corruptPayload, "tensor '\(record.name)' has no bounds") }
        let elementCount = try checkedElementCount(record)
        guard record.chunkElements > 0 else {
            throw SZNNError(.malformedContainer, "tensor '\(record.name)' has chunk size \(record.chunkElements)")
        }
        // Derived by division, not by building the ranges, so a chunk size of 1 on a huge shape allocates nothing.
        let expectedChunks = elementCount / record.chunkElements + (elementCount % record.chunkElements == 0 ? 0 : 1)
        var reader = ByteReader(record.payload, context: "tensor '\(record.name)'")
        let chunkCount = Int(try reader.integer(UInt32.self, "chunk count"))
        guard chunkCount == expectedChunks else {
            throw SZNNError(.corruptPayload, "tensor '\(record.name)' has \(chunkCount) chunks, expected \(expectedChunks)")
        }
        // Each chunk-table entry is 8 + 4 + 8 bytes; a count the payload cannot hold is rejected before the table is read.
        guard chunkCount <= reader.remaining / 20 else {
            throw SZNNError(.corruptPayload, "tensor '\(record.name)' declares \(chunkCount) chunks in \(reader.remaining) payload bytes")
        }
        let ranges = chunkRanges(elementCount: elementCount, chunkElements: record.chunkElements)
        var table: [(indexLength: Int, escapeCount: Int, escapeLength: Int)] = []
        for _ in 0..<chunkCount {
            let indexLength = try reader.length("index stream length")
            let escapeCount = Int(try reader.integer(UInt32.self, "escape count"))
            let escapeLength = try reader.length("escape stream length")
            table.append((indexLength, escapeCount, escapeLength))
        }
        var streams: [(indices: Data, escapes: Data)] = []
        for entry in table {
            streams.append((try reader.bytes(entry.indexLength, "index stream"), try reader.bytes(entry.escapeLength, "escape stream")))
        }
        guard reader.remaining == 0 else { throw SZNNError(.corruptPayload, "tensor '\(record.name)' has \(reader.remaining) trailing payload bytes") }

        let quantizer = LinearQuantizer(radius: record.radius)
        let lookup = BoundLookup(bounds: bounds, shape: record.shape)
        // Written in place: the reconstruction of a large tensor is never copied.
        var output = Data(count: elementCount * record.dtype.byteWidth)
        try output.withUnsafeMutableBytes { raw in
            nonisolated(unsafe) let destination = raw
            _ = try ParallelMap.map(chunkCount) { chunkIndex in
                let range = ranges[chunkIndex]
                let entry = table[chunkIndex]
                let (predictorData, coded) = try record.predictor.unwrapIndexStream(streams[chunkIndex].indices)
                let indices = try coded.withUnsafeBytes { try backend.decode($0, count: range.count, shape: record.shape) }
                let escapes = try decodeEscapes(streams[chunkIndex].escapes, count: entry.escapeCount, chunkLength: range.count,
                                                dtype: record.dtype, backend: backend)
                let chunk = QuantizedChunk(indices: indices, escapePositions: escapes.positions, escapeBits: escapes.bits,
                                           predictorData: predictorData)
                // Chunks write disjoint element ranges of `destination`.
                if let base {
                    return try quantizer.reconstruct(chunk, into: destination, dtype: record.dtype, range: range, bounds: lookup, predictor: base)
                }
                try record.predictor.reconstruct(quantizer, chunk, into: destination, dtype: record.dtype, range: range,
                                                 bounds: lookup, shape: record.shape)
            }
        }
        return output
    }

    /// The element count of `record`'s shape, or E305 naming the tensor when the product overflows.
    static func checkedElementCount(_ record: TensorRecord) throws -> Int {
        let (elements, overflow) = Tensor.checkedProduct(record.shape)
        guard !overflow, elements >= 0 else {
            throw SZNNError(.malformedContainer, "tensor '\(record.name)' shape \(record.shape) is too large")
        }
        return elements
    }

    static func decodeEscapes(_ stream: Data, count: Int, chunkLength: Int, dtype: DType,
                              backend: any EntropyBackend) throws -> (positions: [UInt32], bits: [UInt64]) {
        guard count > 0 else {
            guard stream.isEmpty else { throw SZNNError(.corruptPayload, "escape stream present with no escapes") }
            return ([], [])
        }
        guard count <= chunkLength else { throw SZNNError(.corruptPayload, "\(count) escapes in a chunk of \(chunkLength) elements") }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: 4 + dtype.byteWidth)
        guard !overflow else { throw SZNNError(.corruptPayload, "escape count \(count) is too large") }
        let raw = try stream.withUnsafeBytes { try backend.decodeLossless($0, byteCount: byteCount) }
        return raw.withUnsafeBytes { bytes in
            var positions: [UInt32] = []
            var bits: [UInt64] = []
            positions.reserveCapacity(count)
            bits.reserveCapacity(count)
            for index in 0..<count {
                positions.append(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
            let values = UnsafeRawBufferPointer(rebasing: bytes[(count * 4)...])
            for index in 0..<count { bits.append(FloatCodec.loadBits(values, index: index, dtype: dtype)) }
            return (positions, bits)
        }
    }
}
