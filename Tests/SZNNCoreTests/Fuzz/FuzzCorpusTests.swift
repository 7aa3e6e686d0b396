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
}
