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

    /// The model in `url`, decompressing `.sznn` files within `budget` (nil: the standard budget for
    /// the file's size), an update against `base`.
    public static func load(_ url: URL, budget: DecodeBudget? = nil, base: Model? = nil) throws -> Model {
        if isContainer(url) {
            return try decompress(try readContainer(url), from: url, budget: budget, base: base)
        }
        return try ModelFile.read(from: url)
    }

    /// The tensors of `container`, read from `url`, once `budget` allows them (nil: `DecodeBudget.standard`).
    ///
    /// An update file needs `base`, the model it was coded against (E701 without it, E702 for another).
    public static func decompress(_ container: Container, from url: URL, budget: DecodeBudget? = nil, base: Model? = nil) throws -> Model {
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int ?? 0
        return try ModelCodec.decompress(container, backends: try Backends.all(),
                                         budget: budget ?? DecodeBudget.standard(fileByteCount: fileBytes),
                                         fileName: url.lastPathComponent, base: base)
    }

    /// The base a chain of files gives (nil for none): the first file as read (a `.sznn` decoded),
    /// then each later file decoded against the model before it — `base`, `update1.sznn`, … —
    /// so the result is what the last file decodes to.
    public static func loadBase(_ urls: [URL], budget: DecodeBudget? = nil) throws -> Model? {
        try urls.reduce(nil) { previous, url in
            isContainer(url) ? try decompress(try readContainer(url), from: url, budget: budget, base: previous) : try ModelFile.read(from: url)
        }
    }

    /// The bytes of a file, copied into memory (see `FileBytes`), with a one-line error naming it.
    public static func readBytes(_ url: URL) throws -> Data { try FileBytes.read(url) }
}
