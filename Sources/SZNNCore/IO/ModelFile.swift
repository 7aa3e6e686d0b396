import Foundation

/// Reads and writes model files, choosing the format by extension: `.safetensors`, `.npz`, `.npy`.
///
/// Inputs are read into memory by `FileBytes` (never mapped, so a file truncated meanwhile
/// cannot crash the process); tensors from safetensors or stored `.npz` members are slices of
/// that one copy. (`.sznn` containers are handled by the CLI, not here.)
public enum ModelFile {
    /// The extensions `read` accepts.
    public static let readableExtensions = ["safetensors", "npz", "npy"]
    /// The extensions `write` accepts.
    public static let writableExtensions = ["safetensors", "npz"]

    /// Reads a model, choosing the format by extension (.safetensors, .npz, .npy), from one in-memory copy of the file.
    ///
    /// A `.npy` holds one array; it becomes a one-tensor model named after the file (`fc1.npy` → `fc1`).
    public static func read(from url: URL) throws -> Model {
        let fileName = url.lastPathComponent
        let fileExtension = url.pathExtension.lowercased()
        guard readableExtensions.contains(fileExtension) else {
            throw SZNNError(.unsupportedFileType, "'\(fileName)' has an unsupported extension",
                            hint: "supported: " + readableExtensions.map { "." + $0 }.joined(separator: ", "))
        }
        let data = try FileBytes.read(url)
        switch fileExtension {
        case "safetensors":
            return try Safetensors.decode(data, fileName: fileName)
        case "npz":
            return try NumpyArchive.decode(data, fileName: fileName)
        default:
            let name = url.deletingPathExtension().lastPathComponent
            return Model(tensors: [try NumpyArray.decode(data, name: name, fileName: fileName)])
        }
    }

    /// Writes a model atomically (temp file in the same directory, then rename), format by extension (.safetensors or .npz; .npz written deflated).
    public static func write(_ model: Model, to url: URL) throws {
        let data: Data
        switch url.pathExtension.lowercased() {
        case "safetensors": data = try Safetensors.encode(model)
        case "npz": data = try NumpyArchive.encode(model, deflated: true)
        default:
            throw SZNNError(.unsupportedFileType, "cannot write '\(url.lastPathComponent)': unsupported extension",
                            hint: "supported: " + writableExtensions.map { "." + $0 }.joined(separator: ", "))
        }
        try AtomicFile.write(data, to: url)
    }
}
