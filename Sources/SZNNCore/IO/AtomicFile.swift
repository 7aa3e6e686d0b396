import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole files atomically: readers see the old file or the new one, never a partial one.
///
/// The bytes go to a uniquely named temporary file in the destination's directory (so the final
/// `rename(2)` stays on one file system and is atomic), are flushed with `fsync`, and the
/// temporary is then renamed over the destination. On any failure the temporary is removed and
/// an existing destination is left untouched.
public enum AtomicFile {
    /// Writes `data` to `url`, replacing any existing file only once every byte is on disk.
    public static func write(_ data: Data, to url: URL) throws {
        let destination = url.standardizedFileURL
        let directory = destination.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(destination.lastPathComponent).tmp-\(UUID().uuidString)")
        let temporaryPath = temporary.path

        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw failure("cannot create a temporary file in \(directory.path)", destination: destination)
        }
        var success = false
        defer {
            if !success { unlink(temporaryPath) }
        }
        do {
            defer { close(descriptor) }
            try writeAll(data, to: descriptor, destination: destination)
            guard fsync(descriptor) == 0 else {
                throw failure("cannot flush the temporary file to disk", destination: destination)
            }
        }
        guard rename(temporaryPath, destination.path) == 0 else {
            throw failure("cannot move the temporary file into place", destination: destination)
        }
        success = true
    }

    /// Writes every byte of `data`, retrying short writes and interrupted calls.
    private static func writeAll(_ data: Data, to descriptor: Int32, destination: URL) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(descriptor, base.advanced(by: offset), raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write \(raw.count) bytes", destination: destination)
                }
                offset += written
            }
        }
    }

    /// `write(2)`, named apart from `AtomicFile.write`.
    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
        #else
        Darwin.write(descriptor, buffer, count)
        #endif
    }

    /// A `.writeFailed` error carrying the current `errno` text.
    private static func failure(_ what: String, destination: URL) -> SZNNError {
        let reason = String(cString: strerror(errno))
        return SZNNError(.writeFailed, "\(what) for '\(destination.path)': \(reason)",
                         hint: "check that the directory exists, is writable and has free space")
    }
}
