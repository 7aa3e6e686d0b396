import Foundation

/// Reads the element bytes of an initializer kept in a file beside the model (ONNX external data).
enum ONNXExternalData {
    /// The `length` bytes at `offset` of `location`, a path relative to the model's folder that may
    /// not leave it; both keys are checked against the file's size.
    static func read(_ entries: [String: String], tensor: String, folder: URL, fileName: String) throws -> Data {
        guard let location = entries["location"], !location.isEmpty else {
            throw SZNNError(.malformedModelFile, "\(fileName): initializer '\(tensor)' is external but names no location")
        }
        let components = location.split(separator: "/", omittingEmptySubsequences: false)
        guard !location.hasPrefix("/"), !components.contains(".."), !location.contains("\\") else {
            throw SZNNError(.malformedModelFile, "\(fileName): initializer '\(tensor)' points outside the model's folder ('\(location)')",
                            hint: "external data must be a file in or below the folder of the .onnx file")
        }
        let url = folder.appendingPathComponent(location)
        let data: Data
        do {
            data = try FileBytes.read(url)
        } catch {
            throw SZNNError(.unreadableFile, "\(fileName): the external data file '\(location)' of initializer '\(tensor)' cannot be read",
                            hint: "keep the data file beside \(fileName), as the exporter wrote it")
        }
        let offset = Int(entries["offset"] ?? "0") ?? -1
        let length = entries["length"].map { Int($0) ?? -1 } ?? (data.count - max(offset, 0))
        guard offset >= 0, length >= 0, offset <= data.count, length <= data.count - offset else {
            throw SZNNError(.malformedModelFile,
                            "\(fileName): initializer '\(tensor)' asks for bytes \(entries["offset"] ?? "0")+\(entries["length"] ?? "?") of '\(location)', which has \(data.count)")
        }
        return data.subdata(in: (data.startIndex + offset)..<(data.startIndex + offset + length))
    }
}
