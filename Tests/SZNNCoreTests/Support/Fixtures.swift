import Foundation

/// Locates committed test fixtures under `Tests/Fixtures`, found by walking up from this source file.
enum Fixtures {
    /// The `Tests/Fixtures` directory.
    static let root: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Fixtures")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }()

    /// The URL of `Tests/Fixtures/<subdirectory>/<name>`.
    static func url(_ subdirectory: String, _ name: String) -> URL {
        root.appendingPathComponent(subdirectory).appendingPathComponent(name)
    }

    /// The bytes of `Tests/Fixtures/<subdirectory>/<name>`.
    static func data(_ subdirectory: String, _ name: String) throws -> Data {
        try Data(contentsOf: url(subdirectory, name))
    }

    /// A fresh empty temporary directory; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sznn-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
