import Foundation
import SZNNCore

/// Reads any model file the CLI accepts: `.sznn` (decompressed in memory) or what `ModelFile` reads.
enum ModelLoader {
    /// True when `url` names a `.sznn` file.
    static func isContainer(_ url: URL) -> Bool { url.pathExtension.lowercased() == "sznn" }

    /// The container in a `.sznn` file, checked field by field.
    static func readContainer(_ url: URL) throws -> Container {
        try ContainerDecoder.decode(try readBytes(url), fileName: url.lastPathComponent)
    }

    /// The model in `url`, decompressing `.sznn` files within the budget of `memory`.
    static func load(_ url: URL, memory: MemoryOptions = MemoryOptions()) throws -> Model {
        if isContainer(url) {
            return try decompress(try readContainer(url), from: url, memory: memory)
        }
        return try ModelFile.read(from: url)
    }

    /// The tensors of `container`, read from `url`, once the budget of `memory` allows them.
    static func decompress(_ container: Container, from url: URL, memory: MemoryOptions) throws -> Model {
        try ModelCodec.decompress(container, backends: try Backends.all(), budget: memory.budget(for: url),
                                  fileName: url.lastPathComponent)
    }

    /// The bytes of a file, memory-mapped, with a one-line error naming it.
    static func readBytes(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SZNNError(.unreadableFile, "cannot read \(url.path): \(error.localizedDescription)",
                            hint: "check the path and permissions")
        }
    }
}
