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
        let done = try data.withUnsafeMutableBytes { raw -> Int in
            var done = 0
            while done < count {
                let got = pread(descriptor, raw.baseAddress!.advanced(by: done), count - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw FileSource.failure(path)
                }
                if got == 0 { break }
                done += got
            }
            return done
        }
        guard done == count else {
            throw SZNNError(.unreadableFile, "cannot read '\(path)': it ends at byte \(offset + done), before byte \(offset + count) (was it changed while being read?)",
                            hint: "read the file again once nothing is writing it")
        }
        return data
    }

    /// The CRC-32 of the whole file, continuing `crc` (the CRC of bytes before it), read in
    /// pieces of `pieceBytes` (8 MiB) so that memory stays flat.
    public func checksum(continuing crc: UInt32 = 0, pieceBytes: Int = 8 << 20) throws -> UInt32 {
        var crc = crc
        var offset = 0
        while offset < byteCount {
            let piece = try read(at: offset, count: min(pieceBytes, byteCount - offset))
            crc = piece.withUnsafeBytes { CRC32.update(crc, $0) }
            offset += piece.count
        }
        return crc
    }

    /// An `.unreadableFile` error carrying the current `errno` text.
    private static func failure(_ path: String) -> SZNNError {
        SZNNError(.unreadableFile, "cannot read '\(path)': \(String(cString: strerror(errno)))",
                  hint: "check that the file exists and is readable")
    }
}
