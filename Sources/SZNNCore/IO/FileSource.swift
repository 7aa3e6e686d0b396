import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file read piece by piece at given offsets: how the streaming paths read models and containers.
///
/// Like `FileBytes` it copies with plain reads and never maps the file, so a file truncated
/// meanwhile gives an error, not SIGBUS. It reads with `pread(2)` (a seek and a read in one call,
/// with no shared file position), so workers may read different pieces at once.
public final class FileSource: @unchecked Sendable {
    /// The file's path, for error messages.
    public let path: String
    /// The file's size in bytes when it was opened.
    public let byteCount: Int
    private let descriptor: Int32

    /// Opens the regular file at `url` (E201 when it cannot be opened or is not a regular file).
    public init(_ url: URL) throws {
        path = url.path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw FileSource.failure(url.path) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw FileSource.failure(url.path)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw SZNNError(.unreadableFile, "cannot read '\(url.path)': not a regular file", hint: "give the path of a model file")
        }
        byteCount = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Exactly `count` bytes from `offset`; E201 when the file ends sooner (it shrank after it was opened).
    public func read(at offset: Int, count: Int) throws -> Data {
        guard count > 0 else { return Data() }
        var data = Data(count: count)
        try data.withUnsafeMutableBytes { raw in try read(at: offset, into: raw) }
        return data
    }

    /// Fills `buffer` with the bytes from `offset`; E201 when the file ends sooner.
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let count = buffer.count
        var done = 0
        while done < count {
            let got = pread(descriptor, base.advanced(by: done), count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw FileSource.failure(path)
            }
            if got == 0 { break }
            done += got
        }
        guard done == count else {
            throw SZNNError(.unreadableFile, "cannot read '\(path)': it ends at byte \(offset + done), before byte \(offset + count) (was it changed while being read?)",
                            hint: "read the file again once nothing is writing it")
        }
    }

    /// The CRC-32 of the whole file, continuing `crc` (the CRC of bytes before it).
    ///
    /// The file is cut into one contiguous segment per worker (`ParallelMap`), each read in
    /// pieces of `pieceBytes` (8 MiB) into one buffer, so that memory stays flat and no piece
    /// maps fresh pages; the segments' CRCs are then joined in order (`CRC32.combine`). The
    /// streaming compressor reads the whole source once for it before the first record, so on
    /// one core that pass would leave the others idle.
    public func checksum(continuing crc: UInt32 = 0, pieceBytes: Int = 8 << 20) throws -> UInt32 {
        let pieces = (byteCount + pieceBytes - 1) / pieceBytes
        let segments = max(1, min(ParallelMap.threadCount, pieces))
        let bounds = (0...segments).map { min(byteCount, ($0 * pieces / segments) * pieceBytes) }
        let segmentCRCs = try ParallelMap.map(segments) { segment -> UInt32 in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: pieceBytes, alignment: 64)
            defer { buffer.deallocate() }
            var crc: UInt32 = 0
            var offset = bounds[segment]
            while offset < bounds[segment + 1] {
                let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(pieceBytes, bounds[segment + 1] - offset)])
                try read(at: offset, into: piece)
                crc = CRC32.update(crc, UnsafeRawBufferPointer(piece))
                offset += piece.count
            }
            return crc
        }
        return zip(segmentCRCs, bounds.indices.dropLast()).reduce(crc) { joined, segment in
            CRC32.combine(joined, segment.0, secondLength: bounds[segment.1 + 1] - bounds[segment.1])
        }
    }

    /// An `.unreadableFile` error carrying the current `errno` text.
    private static func failure(_ path: String) -> SZNNError {
        SZNNError(.unreadableFile, "cannot read '\(path)': \(String(cString: strerror(errno)))",
                  hint: "check that the file exists and is readable")
    }
}
