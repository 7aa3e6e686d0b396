import Foundation

/// Finds the embedded default model, architecture and data from any working directory.
///
/// The defaults (`Data/models/lenet5.safetensors`, `Configs/models/lenet5.json`, `Data/mnist`)
/// are paths relative to the repository root. A relative path that does not exist from the
/// current directory is looked for, in order, in the installed share folder
/// (`<prefix>/share/sz-nn/`, beside `<prefix>/bin/sz-nn`, as `make install` lays it out) and in
/// the folders above the executable (a build inside the repository, `.build/release/sz-nn`).
/// Paths the user spelled that exist, and absolute paths, are used as given.
enum DefaultResources {
    /// The name of the installed share folder under the prefix.
    static let shareFolder = "share/sz-nn"

    /// `path` itself when it exists (or is absolute); otherwise the first installed or
    /// repository copy of it; otherwise `path`, so the error names what was asked for.
    static func locate(_ path: String, fileManager: FileManager = .default) -> String {
        guard !path.hasPrefix("/"), !fileManager.fileExists(atPath: path) else { return path }
        for root in searchRoots() {
            let candidate = root.appendingPathComponent(path).path
            if fileManager.fileExists(atPath: candidate) { return candidate }
        }
        return path
    }

    /// The share folder of an installed binary, then every folder above the executable.
    static func searchRoots() -> [URL] {
        guard let executable = executableURL() else { return [] }
        let binFolder = executable.deletingLastPathComponent()
        var roots = [binFolder.deletingLastPathComponent().appendingPathComponent(shareFolder)]
        var folder = binFolder
        while folder.path != "/" && !folder.path.isEmpty {
            roots.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        return roots
    }

    /// The running executable with symbolic links resolved (an installed link into a build folder works too).
    static func executableURL() -> URL? {
        guard let path = Bundle.main.executablePath else { return nil }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath()
    }
}
