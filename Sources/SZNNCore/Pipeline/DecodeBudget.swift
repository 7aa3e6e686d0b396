import Foundation

/// The most bytes a decode may allocate for reconstructed tensors, checked before any allocation.
///
/// A tensor of zeros compresses to almost nothing, so a small valid file can ask for gigabytes;
/// the budget turns that into error E406 instead of an abort when the allocation fails.
public struct DecodeBudget: Sendable, Equatable {
    /// The limit in bytes.
    public var maximumBytes: Int

    public init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    /// No limit (for callers that built the container themselves).
    public static let unlimited = DecodeBudget(maximumBytes: Int.max)

    /// The default for a file of `fileByteCount` bytes: max(1 GiB, 1024 × file size), at most half the physical memory.
    ///
    /// Real weights do not compress beyond about 1000× even at loose bounds, so a larger expansion
    /// marks a file crafted to exhaust memory; half the physical memory leaves room for the
    /// original model, which `verify` and `eval` hold alongside.
    public static func standard(fileByteCount: Int) -> DecodeBudget {
        let half = ProcessInfo.processInfo.physicalMemory / 2
        let cap = half > UInt64(Int.max) ? Int.max : Int(half)
        return DecodeBudget(maximumBytes: min(streaming(fileByteCount: fileByteCount).maximumBytes, cap))
    }

    /// The default of a decode that streams to disk: max(1 GiB, 1024 × file size), not capped by memory.
    ///
    /// Streaming holds one window of tensors, not the model, so a model larger than the memory
    /// decodes; the expansion limit still refuses a crafted file that would fill the disk.
    public static func streaming(fileByteCount: Int) -> DecodeBudget {
        let (scaled, overflow) = fileByteCount.multipliedReportingOverflow(by: 1024)
        return DecodeBudget(maximumBytes: max(1 << 30, overflow ? Int.max : scaled))
    }

    /// Throws E406 when decoding `container` needs more than the budget (see `check(_:payloadByteCount:fileName:)`).
    public func check(_ container: Container, fileName: String) throws {
        try check(container.records, payloadByteCount: container.records.reduce(0) { $0 + $1.payload.count }, fileName: fileName)
    }

    /// Throws E406 when decoding `records` (their headers suffice) needs more than the budget.
    ///
    /// The need is what the decoder holds at its peak: every decoded tensor, the coded payloads
    /// (`payloadByteCount`, read before they are decoded) and, per decoding thread, one chunk's
    /// working space: its 32-bit quantization indices and the entropy decoder's output they are
    /// read from, 8 bytes an element. Counting the decoded tensors alone let a file that fit its
    /// budget exactly peak 40 % above it (Benchmarks/hardening/memory.md).
    public func check(_ records: [TensorRecord], payloadByteCount: Int, fileName: String) throws {
        var total = payloadByteCount
        var largestChunk = 0
        for record in records {
            let (elements, elementOverflow) = Tensor.checkedProduct(record.shape)
            let (bytes, byteOverflow) = elements.multipliedReportingOverflow(by: record.dtype.byteWidth)
            let (sum, sumOverflow) = total.addingReportingOverflow(bytes)
            guard !elementOverflow, !byteOverflow, !sumOverflow else {
                throw SZNNError(.malformedContainer, "\(fileName): tensor '\(record.name)' shape \(record.shape) is too large")
            }
            total = sum
            if record.storage != .lossless, record.chunkElements > 0 { largestChunk = max(largestChunk, min(elements, record.chunkElements)) }
        }
        let (indices, indexOverflow) = largestChunk.multipliedReportingOverflow(by: 8 * ParallelMap.threadCount)
        let (need, needOverflow) = total.addingReportingOverflow(indices)
        guard !indexOverflow, !needOverflow, need <= maximumBytes else {
            throw SZNNError(.exceedsMemoryBudget,
                            "\(fileName): decoding needs \(needOverflow || indexOverflow ? "more than \(Int.max)" : "\(need)") bytes (decoded tensors, coded payloads and chunk working space), above the budget of \(maximumBytes)",
                            hint: "raise --max-memory if the machine has the memory")
        }
    }
}
