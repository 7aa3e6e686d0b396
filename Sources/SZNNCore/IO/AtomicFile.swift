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
/// an existing destination is left untouched. The temporary is named `.NAME.tmp-<pid>-<UUID>`;
/// while it exists it is registered so that SIGINT/SIGTERM (once `installSignalCleanup` ran)
/// removes it, and a temporary left by a killed writer is removed by the next write of `NAME`.
public enum AtomicFile {
    /// A temporary older than this is abandoned even if its writer's pid is alive (pids get reused).
    static let staleAge: TimeInterval = 3600

    /// Makes SIGINT and SIGTERM remove the temporaries of writes under way before the process
    /// dies of the signal; call once at start (the CLI does).
    public static func installSignalCleanup() {
        TemporaryFileRegistry.installSignalHandlers()
    }

    /// Writes `data` to `url`, replacing any existing file only once every byte is on disk.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { try $0.append(data) }
    }

    /// Writes `url` piece by piece as `body` appends them, replacing any existing file only once
    /// `body` has returned and every byte is on disk; if `body` throws, nothing of it is left.
    ///
    /// The streaming writers (compress, decompress) hand each record or tensor over as soon as
    /// it is coded, so the file never has to be whole in memory.
    public static func write(to url: URL, _ body: (inout Writer) throws -> Void) throws {
        try writeSet(to: [url]) { _, writer in try body(&writer) }
    }

    /// Writes several files as one set: `body(k, &writer)` writes the k-th of `urls`, each to its
    /// own temporary, and only once every one of them is on disk are they renamed over their
    /// destinations, in order (so an index given last replaces its old version last).
    ///
    /// If any `body` throws, every temporary is removed and every destination left as it was: a
    /// failed sharded write never leaves the old shards half replaced or removed. (The renames
    /// themselves are atomic one by one, not together.)
    public static func writeSet(to urls: [URL], _ body: (Int, inout Writer) throws -> Void) throws {
        var temporaries: [Temporary] = []
        defer {
            for temporary in temporaries {
                if !temporary.isMoved { unlink(temporary.path) }
                TemporaryFileRegistry.unregister(temporary.slot)
            }
        }
        for (position, url) in urls.enumerated() {
            temporaries.append(try makeTemporary(for: url.standardizedFileURL) { try body(position, &$0) })
        }
        for position in temporaries.indices {
            guard rename(temporaries[position].path, temporaries[position].destination.path) == 0 else {
                throw failure("cannot move the temporary file into place", destination: temporaries[position].destination)
            }
            temporaries[position].isMoved = true
        }
    }

    /// A written and flushed temporary file waiting to be renamed over `destination`.
    private struct Temporary {
        let path: String
        let destination: URL
        let slot: Int?
        var isMoved = false
    }

    /// Writes `body`'s bytes to a new registered temporary beside `destination` and flushes it;
    /// on failure the temporary is removed and unregistered.
    private static func makeTemporary(for destination: URL, _ body: (inout Writer) throws -> Void) throws -> Temporary {
        let directory = destination.deletingLastPathComponent()
        let prefix = temporaryPrefix(for: destination)
        removeStaleTemporaries(in: directory, prefix: prefix)
        let temporaryPath = directory.appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString)").path

        // Registered before it exists, so no moment is left in which a signal would miss it.
        let slot = TemporaryFileRegistry.register(temporaryPath)
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            TemporaryFileRegistry.unregister(slot)
            throw failure("cannot create a temporary file in \(directory.path)", destination: destination)
        }
        do {
            defer { close(descriptor) }
            var writer = Writer(descriptor: descriptor, destination: destination)
            try body(&writer)
            guard fsync(descriptor) == 0 else {
                throw failure("cannot flush the temporary file to disk", destination: destination)
            }
        } catch {
            unlink(temporaryPath)
            TemporaryFileRegistry.unregister(slot)
            throw error
        }
        return Temporary(path: temporaryPath, destination: destination, slot: slot)
    }

    /// Appends bytes to the temporary file of one `write(to:_:)`.
    public struct Writer {
        fileprivate let descriptor: Int32
        fileprivate let destination: URL
        /// Bytes appended so far.
        public private(set) var byteCount = 0

        /// Appends every byte of `data` (E501 when the disk refuses them).
        public mutating func append(_ data: Data) throws {
            try AtomicFile.writeAll(data, to: descriptor, destination: destination)
            byteCount += data.count
        }
    }

    /// The name of `destination`'s temporaries up to the writer's pid: `.NAME.tmp-`.
    static func temporaryPrefix(for destination: URL) -> String {
        ".\(destination.lastPathComponent).tmp-"
    }

    /// Removes the temporaries of earlier writes of this destination whose writer is gone (its
    /// pid no longer exists) or that are older than `staleAge`; anything else is left alone.
    static func removeStaleTemporaries(in directory: URL, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        let now = Date()
        for name in names where name.hasPrefix(prefix) {
            let path = directory.appendingPathComponent(name).path
            // attributesOfItem does not follow links: a link or folder with a matching name is not ours.
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let modified = attributes[.modificationDate] as? Date else { continue }
            if now.timeIntervalSince(modified) > staleAge || writerIsGone(temporaryName: name, prefix: prefix) {
                unlink(path)
            }
        }
    }

    /// True when the pid in `.NAME.tmp-<pid>-<UUID>` names no running process.
    private static func writerIsGone(temporaryName name: String, prefix: String) -> Bool {
        let rest = name.dropFirst(prefix.count)
        guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Writes every byte of `data`, retrying short writes and interrupted calls.
    fileprivate static func writeAll(_ data: Data, to descriptor: Int32, destination: URL) throws {
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
