import Foundation
import SZNNCore

/// Checks, before any long work starts, that an output file can be written where it is asked for.
///
/// Tuning and compare runs take minutes; finding a missing or read-only output folder only at
/// the end would lose the whole run (the write itself stays atomic, `AtomicFile`).
public enum OutputPath {
    /// Throws `writeFailed` (E501) unless the folder of `path` exists, is a folder and is writable.
    public static func checkWritable(_ path: String, fileManager: FileManager = .default) throws {
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard fileManager.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw SZNNError(.writeFailed, "cannot write '\(path)': the folder '\(folder)' does not exist",
                            hint: "create it first or choose another output path")
        }
        guard fileManager.isWritableFile(atPath: folder) else {
            throw SZNNError(.writeFailed, "cannot write '\(path)': the folder '\(folder)' is not writable",
                            hint: "check its permissions or choose another output path")
        }
    }
}
