import Foundation
import Testing
@testable import SZNNCore

@Suite("CRC32, AtomicFile and ModelFile")
struct FileTests {
    @Test func crc32KnownValuesAndIncremental() {
        let bytes = Array("123456789".utf8)
        #expect(bytes.withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
        #expect([UInt8]().withUnsafeBytes { CRC32.checksum($0) } == 0)
        let split = bytes.withUnsafeBytes { raw in
            CRC32.update(CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[..<4])),
                         UnsafeRawBufferPointer(rebasing: raw[4...]))
        }
        #expect(split == 0xCBF4_3926)
    }

    @Test func atomicWriteIntoMissingDirectoryFailsCleanly() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing")
        let error = #expect(throws: SZNNError.self) {
            try AtomicFile.write(Data([1, 2, 3]), to: missing.appendingPathComponent("out.bin"))
        }
        #expect(error?.code == .writeFailed)
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("a set is written whole or not at all: a failing member leaves every old file and no temporary")
    func atomicSetReplacesAllOrNothing() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let urls = ["a.bin", "b.bin", "index.json"].map { directory.appendingPathComponent($0) }
        try AtomicFile.writeSet(to: urls) { position, writer in try writer.append(Data([UInt8(position)])) }
        #expect(try urls.map { try Data(contentsOf: $0) } == [Data([0]), Data([1]), Data([2])])

        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try AtomicFile.writeSet(to: urls) { position, writer in
                try writer.append(Data([9, UInt8(position)]))
                if position == 1 { throw Refused() }
            }
        }
        #expect(try urls.map { try Data(contentsOf: $0) } == [Data([0]), Data([1]), Data([2])], "the first member was not replaced")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.bin", "b.bin", "index.json"])
        try AtomicFile.writeSet(to: urls) { position, writer in try writer.append(Data([7, UInt8(position)])) }
        #expect(try urls.map { try Data(contentsOf: $0) } == [Data([7, 0]), Data([7, 1]), Data([7, 2])])
    }

    @Test func atomicWriteReplacesOnlyOnSuccess() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = directory.appendingPathComponent("out.bin")
        try AtomicFile.write(Data([1, 2, 3]), to: destination)
        try AtomicFile.write(Data([4, 5]), to: destination)
        #expect(try Data(contentsOf: destination) == Data([4, 5]))

        // A destination that is a non-empty directory cannot be replaced: the old content stays, no temp is left.
        let blocked = directory.appendingPathComponent("blocked.bin")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("child"), withIntermediateDirectories: true)
        let error = #expect(throws: SZNNError.self) { try AtomicFile.write(Data([9]), to: blocked) }
        #expect(error?.code == .writeFailed)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) == ["out.bin", "blocked.bin"])
    }

    @Test(arguments: ["model.safetensors", "model.npz"])
    func modelFileRoundTrip(name: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var model = try ModelFile.read(from: Fixtures.url("io", "model.safetensors"))
        if name.hasSuffix(".npz") { model.metadata = [:] }
        let url = directory.appendingPathComponent(name)
        try ModelFile.write(model, to: url)
        #expect(try ModelFile.read(from: url) == model)
        // Overwriting the file that the model's bytes are mapped from is safe: the rename keeps the old inode alive.
        let reread = try ModelFile.read(from: url)
        try ModelFile.write(reread, to: url)
        #expect(try ModelFile.read(from: url) == model)
    }

    @Test func unknownExtensionsAndMissingFiles() throws {
        let readError = #expect(throws: SZNNError.self) { try ModelFile.read(from: FileManager.default.temporaryDirectory.appendingPathComponent("model.pt")) }
        #expect(readError?.code == .unsupportedFileType && readError?.hint.contains(".safetensors") == true)
        let writeError = #expect(throws: SZNNError.self) {
            try ModelFile.write(Model(tensors: []), to: FileManager.default.temporaryDirectory.appendingPathComponent("model.npy"))
        }
        #expect(writeError?.code == .unsupportedFileType)
        let missing = #expect(throws: SZNNError.self) {
            try ModelFile.read(from: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/m.safetensors"))
        }
        #expect(missing?.code == .unreadableFile)
    }
}
