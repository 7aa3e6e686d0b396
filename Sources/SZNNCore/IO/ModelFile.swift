import Foundation

/// Reads and writes model files, choosing the format by extension: `.safetensors`, `.npz`, `.npy`, `.onnx`.
///
/// Inputs are read into memory by `FileBytes` (never mapped, so a file truncated meanwhile
/// cannot crash the process); tensors from safetensors or stored `.npz` members are slices of
/// that one copy. (`.sznn` containers are handled by the CLI, not here.)
public enum ModelFile {
    /// The extensions `read` accepts.
    public static let readableExtensions = ["safetensors", "npz", "npy", "onnx"]
    /// The extensions `write` accepts.
    public static let writableExtensions = ["safetensors", "npz", "onnx"]

    /// Reads a model, choosing the format by extension (.safetensors, .npz, .npy), from one in-memory copy of the file.
    ///
    /// A `.npy` holds one array; it becomes a one-tensor model named after the file (`fc1.npy` → `fc1`).
    public static func read(from url: URL) throws -> Model {
        try checkReadable(url)
        return try decode(try FileBytes.read(url), from: url)
    }

    /// Decodes the bytes already read from `url` (format by its extension), so a caller that also
    /// needs the bytes (their size and CRC for the `.sznn` metadata) reads the file only once.
    public static func decode(_ data: Data, from url: URL) throws -> Model {
        try checkReadable(url)
        let fileName = url.lastPathComponent
        switch url.pathExtension.lowercased() {
        case "safetensors":
            return try Safetensors.decode(data, fileName: fileName)
        case "npz":
            return try NumpyArchive.decode(data, fileName: fileName)
        case "onnx":
            return try ONNXModelFile.decode(data, from: url)
        default:
            let name = url.deletingPathExtension().lastPathComponent
            return Model(tensors: [try NumpyArray.decode(data, name: name, fileName: fileName)])
        }
    }

    /// Throws `unsupportedFileType` unless `url` has one of `readableExtensions`.
    private static func checkReadable(_ url: URL) throws {
        guard readableExtensions.contains(url.pathExtension.lowercased()) else {
            throw SZNNError(.unsupportedFileType, "'\(url.lastPathComponent)' has an unsupported extension",
                            hint: "supported: " + readableExtensions.map { "." + $0 }.joined(separator: ", "))
        }
    }

    /// Writes a model atomically (temp file in the same directory, then rename), format by extension (.safetensors or .npz; .npz written deflated).
    public static func write(_ model: Model, to url: URL) throws {
        let data: Data
        switch url.pathExtension.lowercased() {
        case "safetensors": data = try Safetensors.encode(model)
        case "npz": data = try NumpyArchive.encode(model, deflated: true)
        case "onnx": data = try ONNXModelFile.encode(model)
        default:
            throw SZNNError(.unsupportedFileType, "cannot write '\(url.lastPathComponent)': unsupported extension",
                            hint: "supported: " + writableExtensions.map { "." + $0 }.joined(separator: ", "))
        }
        try AtomicFile.write(data, to: url)
    }
}
