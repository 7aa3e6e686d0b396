import Foundation
import Testing
@testable import SZNNCore

/// Inputs are copied, not mapped: truncating a file after it was read cannot crash the reader.
@Suite("FileBytes: inputs are copied into memory")
struct FileBytesTests {
    /// A model whose one tensor spans many pages, so a mapping would reach well past a truncated end.
    private func largeModel() throws -> Model {
        let values = (0..<65_536).map { Float($0 % 977) * 0.25 }
        return Model(tensors: [try Tensor(name: "weight", shape: [256, 256], float32: values)])
    }

    /// Finding 3: with a mapped read, touching the tensor bytes after the truncation raised SIGBUS.
    @Test(arguments: ["model.safetensors", "model.npz"])
    func modelReadSurvivesTruncation(name: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(name)
        let original = try largeModel()
        try ModelFile.write(original, to: url)
        let model = try ModelFile.read(from: url)
        // Truncate in place (same inode), as an editor re-saving the model over itself does.
        #expect(truncate(url.path, 0) == 0)
        #expect(model == original)
    }

    @Test func bytesSurviveTruncationAndMatchTheFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("blob.bin")
        let expected = Data((0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try expected.write(to: url)
        let bytes = try FileBytes.read(url)
        #expect(truncate(url.path, 0) == 0)
        #expect(bytes == expected)
        #expect(try FileBytes.read(url).isEmpty)
    }

    @Test func missingFilesAndDirectoriesAreUnreadable() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = #expect(throws: SZNNError.self) { try FileBytes.read(directory.appendingPathComponent("absent.bin")) }
        #expect(missing?.code == .unreadableFile)
        let folder = #expect(throws: SZNNError.self) { try FileBytes.read(directory) }
        #expect(folder?.code == .unreadableFile)
    }
}
