import Foundation
import SZNNCore
import Testing

/// The source CRC is read in parallel segments and joined: it must equal the CRC of the whole file.
@Suite("FileSource checksum")
struct FileSourceChecksumTests {
    @Test("segments joined in order give the whole file's CRC, for any worker count and piece size")
    func segmentedChecksum() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = UInt64(0x9E37_79B9_7F4A_7C15)
        let bytes = Data((0..<100_003).map { _ in
            generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: generator >> 56)
        })
        let url = directory.appendingPathComponent("bytes.bin")
        try bytes.write(to: url)
        let expected = bytes.withUnsafeBytes { CRC32.checksum($0) }
        let prefixCRC: UInt32 = 0xDEAD_BEEF
        let continued = CRC32.combine(prefixCRC, expected, secondLength: bytes.count)
        let source = try FileSource(url)
        let saved = ParallelMap.threadCount
        defer { ParallelMap.threadCount = saved }
        for workers in [1, 2, 3, 8] {
            ParallelMap.threadCount = workers
            for pieceBytes in [1, 4096, 33_333, 100_003, 1 << 20] where workers < 8 || pieceBytes >= 4096 {
                #expect(try source.checksum(pieceBytes: pieceBytes) == expected, "\(workers) workers, pieces of \(pieceBytes)")
                #expect(try source.checksum(continuing: prefixCRC, pieceBytes: pieceBytes) == continued)
            }
        }
        #expect(CRC32.combine(expected, 0, secondLength: 0) == expected)
    }

    @Test("an empty file's CRC is the CRC continued")
    func emptyFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("empty.bin")
        try Data().write(to: url)
        #expect(try FileSource(url).checksum() == 0)
        #expect(try FileSource(url).checksum(continuing: 0x1234_5678) == 0x1234_5678)
    }
}
