import Foundation
import SZNNCore

/// Reads any model file the CLI accepts: `.sznn` (decompressed in memory) or what `ModelFile` reads.
public enum ModelLoader {
    /// True when `url` names a `.sznn` file.
    public static func isContainer(_ url: URL) -> Bool { url.pathExtension.lowercased() == "sznn" }

    /// The container in a `.sznn` file, checked field by field.
    public static func readContainer(_ url: URL) throws -> Container {
        try ContainerDecoder.decode(try readBytes(url), fileName: url.lastPathComponent)
    }

    /// The model in `url`, decompressing `.sznn` files.
    public static func load(_ url: URL) throws -> Model {
        if isContainer(url) {
            return try ModelCodec.decompress(try readContainer(url), backends: try Backends.all())
        }
        return try ModelFile.read(from: url)
    }

    /// The bytes of a file, copied into memory (see `FileBytes`), with a one-line error naming it.
    public static func readBytes(_ url: URL) throws -> Data { try FileBytes.read(url) }
}
