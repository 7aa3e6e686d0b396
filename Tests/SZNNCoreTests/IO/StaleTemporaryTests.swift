import Foundation
import Testing
@testable import SZNNCore

/// Finding 4: a temporary left by a killed writer is removed by the next write of the same file.
@Suite("AtomicFile: stale temporaries")
struct StaleTemporaryTests {
    @Test func nextWriteRemovesOnlyAbandonedTemporariesOfItsDestination() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fileManager = FileManager.default
        func create(_ name: String, age: TimeInterval = 0) throws {
            let path = directory.appendingPathComponent(name).path
            #expect(fileManager.createFile(atPath: path, contents: Data([7])))
            try fileManager.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: path)
        }
        // No process has pid 2147483647 (Linux and macOS cap pids far lower).
        let deadWriter = ".out.bin.tmp-2147483647-ABCDEF01-0000-0000-0000-000000000000"
        let oldWithoutPid = ".out.bin.tmp-ABCDEF02-0000-0000-0000-000000000000"
        let liveWriter = ".out.bin.tmp-\(getpid())-ABCDEF03-0000-0000-0000-000000000000"
        let freshWithoutPid = ".out.bin.tmp-ABCDEF04-0000-0000-0000-000000000000"
        let otherDestination = ".other.bin.tmp-2147483647-ABCDEF05-0000-0000-0000-000000000000"
        try create(deadWriter)
        try create(oldWithoutPid, age: 2 * 3600)
        try create(liveWriter)
        try create(freshWithoutPid)
        try create(otherDestination, age: 2 * 3600)
        try fileManager.createDirectory(at: directory.appendingPathComponent(".out.bin.tmp-2147483647-folder"),
                                        withIntermediateDirectories: false)

        try AtomicFile.write(Data([1, 2]), to: directory.appendingPathComponent("out.bin"))

        let left = Set(try fileManager.contentsOfDirectory(atPath: directory.path))
        #expect(left == ["out.bin", liveWriter, freshWithoutPid, otherDestination, ".out.bin.tmp-2147483647-folder"])
        #expect(try Data(contentsOf: directory.appendingPathComponent("out.bin")) == Data([1, 2]))
    }
}
