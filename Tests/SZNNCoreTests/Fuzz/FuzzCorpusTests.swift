import Foundation
import SZNNCore
import SZNNFuzzing
import Testing

/// The fuzz target's contract on every committed input — the hand-made seeds, the fuzzer's past
/// findings (each a regression test) and every fixture file — so `make test` checks in seconds
/// what `make fuzz` searches for: each input returns or throws an `SZNNError`.
@Suite("fuzz corpus replay")
struct FuzzCorpusTests {
    /// Every file under `Tests/Fixtures` except the scripts and documents that describe them.
    static func corpus() throws -> [URL] {
        let skipped: Set<String> = ["py", "md", "json"]
        let files = FileManager.default.enumerator(at: Fixtures.root, includingPropertiesForKeys: [.isRegularFileKey])?
            .compactMap { $0 as? URL }
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .filter { !skipped.contains($0.pathExtension) } ?? []
        return files.sorted { $0.path < $1.path }
    }

    @Test("every committed input keeps the contract")
    func corpusKeepsTheContract() throws {
        let inputs = try Self.corpus()
        #expect(inputs.contains { $0.path.contains("fuzz/seeds") })
        for input in inputs {
            do {
                try FuzzTarget.consume(try Data(contentsOf: input))
            } catch is SZNNError {
            } catch {
                Issue.record("\(input.lastPathComponent): not an SZNNError: \(error)")
            }
        }
    }

    @Test("the signature picks the reader a file's extension would")
    func readerSelection() throws {
        #expect(FuzzTarget.Reader(for: try Fixtures.data("sznn", "model-cabac-abs.sznn")) == .container)
        #expect(FuzzTarget.Reader(for: try Fixtures.data("io", "stored.npz")) == .npz)
        #expect(FuzzTarget.Reader(for: try Fixtures.data("io", "float32.npy")) == .npy)
        #expect(FuzzTarget.Reader(for: try Fixtures.data("io", "model.safetensors")) == .safetensors)
        #expect(FuzzTarget.Reader(for: try Fixtures.data("fuzz", "seeds/matmul.onnx")) == .onnx)
    }

    @Test("the resealer leaves a valid file alone and lets a payload flip through its CRC")
    func resealerReachesBehindTheChecksums() throws {
        for name in ["model-cabac-abs.sznn", "model-zstd-abs.sznn"] {
            let valid = try Fixtures.data("sznn", name)
            #expect(ContainerResealer.resealed(valid) == valid)
        }
        var flipped = [UInt8](try Fixtures.data("sznn", "model-zstd-abs.sznn"))
        flipped[flipped.count - 3] ^= 0x10
        let raw = #expect(throws: SZNNError.self) { try ContainerDecoder.decode(Data(flipped), fileName: "flip.sznn") }
        #expect(raw?.code == .checksumMismatch)
        // Re-sealed, the same bytes pass every CRC: whatever the decoder says now, it is not the checksum.
        do {
            _ = try ContainerDecoder.decode(ContainerResealer.resealed(Data(flipped)), fileName: "flip.sznn")
        } catch let error as SZNNError {
            #expect(error.code != .checksumMismatch)
        }
        // A truncated or garbled prefix is walked without trapping.
        for length in [0, 5, 17, 40, flipped.count / 2] { _ = ContainerResealer.resealed(Data(flipped.prefix(length))) }
    }
}
