import ArgumentParser
import Foundation
import SZNNCore

/// `--max-memory`: the decode budget of the commands that decompress a `.sznn` file.
struct MemoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Most bytes decoding a .sznn file may hold: its decoded tensors, coded payloads and one chunk's working space per thread (suffixes K, M, G, T: powers of 1024).",
        discussion: "Default: max(1 GiB, 1024 × the file size), at most half the physical memory (not capped when decompress streams to .safetensors); a file that needs more fails with E406.",
        valueName: "bytes"))
    var maxMemory: ByteCount?

    /// The budget `--max-memory` sets, or nil for the standard one of the file's size (`ModelLoader`).
    var budget: DecodeBudget? { maxMemory.map { DecodeBudget(maximumBytes: $0.value) } }
}

/// A byte count written as digits with an optional K/M/G/T suffix (binary multiples).
struct ByteCount: ExpressibleByArgument, Sendable {
    let value: Int

    init?(argument: String) {
        let text = argument.uppercased().replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let shifts: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var digits = Substring(text)
        var shift = 0
        if let last = digits.last, let found = shifts[last] {
            shift = found
            digits = digits.dropLast()
        }
        guard let number = Int(digits), number >= 0 else { return nil }
        let (scaled, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
        guard !overflow else { return nil }
        value = scaled
    }
}
