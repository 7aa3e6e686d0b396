import Foundation
import SZNNCore

/// Reads any model file the CLI accepts: `.sznn` (decompressed in memory) or what `ModelFile` reads.
public enum ModelLoader {
    /// True when `url` names a `.sznn` file.
    public static func isContainer(_ url: URL) -> Bool { url.pathExtension.lowercased() == "sznn" }

    /// True when `url`'s format carries a graph (an `.onnx` file), so no architecture is needed beside it.
    public static func carriesGraph(_ url: URL) -> Bool { url.pathExtension.lowercased() == "onnx" }

    /// The container in a `.sznn` file, checked field by field.
    public static func readContainer(_ url: URL) throws -> Container {
        try ContainerDecoder.decode(try readBytes(url), fileName: url.lastPathComponent)
    }

    /// The model in `url`, decompressing `.sznn` files within `budget` (nil: the standard budget for the file's size).
    public static func load(_ url: URL, budget: DecodeBudget? = nil) throws -> Model {
        if isContainer(url) {
            return try decompress(try readContainer(url), from: url, budget: budget)
        }
        return try ModelFile.read(from: url)
    }

    /// The tensors of `container`, read from `url`, once `budget` allows them (nil: `DecodeBudget.standard`).
    public static func decompress(_ container: Container, from url: URL, budget: DecodeBudget? = nil) throws -> Model {
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int ?? 0
        return try ModelCodec.decompress(container, backends: try Backends.all(),
                                         budget: budget ?? DecodeBudget.standard(fileByteCount: fileBytes),
                                         fileName: url.lastPathComponent)
    }

    /// The bytes of a file, copied into memory (see `FileBytes`), with a one-line error naming it.
    public static func readBytes(_ url: URL) throws -> Data { try FileBytes.read(url) }
}
