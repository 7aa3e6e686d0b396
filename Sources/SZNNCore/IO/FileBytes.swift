import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files into memory: the one way sz-nn reads its inputs.
///
/// Files are copied with plain `read(2)` calls, never memory-mapped: a mapped file that another
/// process truncates (re-saving a model in place, say) kills the reader with SIGBUS on the next
/// touch of a vanished page. A copy can only be stale, and a stale copy fails the size, CRC and
/// structure checks with an ordinary error.
public enum FileBytes {
    /// The bytes of the file at `url`, or `.unreadableFile` naming it.
    public static func read(_ url: URL) throws -> Data {
        let path = url.path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw failure(path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(path) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw SZNNError(.unreadableFile, "cannot read '\(path)': not a regular file",
                            hint: "give the path of a model file")
        }
        // The size is only a capacity hint: the loop reads to end of file, so a file that grows
        // or shrinks meanwhile yields whatever bytes were there, never an over-read.
        var data = Data(capacity: max(Int(status.st_size), 0))
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, chunkSize) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path)
            }
            if count == 0 { return data }
            data.append(contentsOf: chunk[0..<count])
        }
    }

    /// `read(2)`, named apart from `FileBytes.read`.
    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
        #else
        Darwin.read(descriptor, buffer, count)
        #endif
    }

    /// An `.unreadableFile` error carrying the current `errno` text.
    private static func failure(_ path: String) -> SZNNError {
        SZNNError(.unreadableFile, "cannot read '\(path)': \(String(cString: strerror(errno)))",
                  hint: "check that the file exists and is readable")
    }
}
