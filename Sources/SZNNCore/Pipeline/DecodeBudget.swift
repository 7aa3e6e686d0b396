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

    /// Throws E406 when the decoded tensors of `container` together need more than the budget.
    public func check(_ container: Container, fileName: String) throws {
        try check(container.records, fileName: fileName)
    }

    /// Throws E406 when `records` (their headers suffice) together decode to more than the budget.
    public func check(_ records: [TensorRecord], fileName: String) throws {
        var total = 0
        for record in records {
            let (elements, elementOverflow) = Tensor.checkedProduct(record.shape)
            let (bytes, byteOverflow) = elements.multipliedReportingOverflow(by: record.dtype.byteWidth)
            let (sum, sumOverflow) = total.addingReportingOverflow(bytes)
            guard !elementOverflow, !byteOverflow, !sumOverflow else {
                throw SZNNError(.malformedContainer, "\(fileName): tensor '\(record.name)' shape \(record.shape) is too large")
            }
            total = sum
        }
        guard total <= maximumBytes else {
            throw SZNNError(.exceedsMemoryBudget,
                            "\(fileName): decoding needs \(total) bytes, above the budget of \(maximumBytes)",
                            hint: "raise --max-memory if the machine has the memory")
        }
    }
}
