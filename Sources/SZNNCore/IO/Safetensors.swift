import Foundation

/// Reads and writes safetensors files: an 8-byte little-endian header length, a JSON header, then data.
///
/// The header maps each tensor name to `{dtype, shape, data_offsets: [begin, end]}` (offsets
/// relative to the start of the data buffer) plus an optional `__metadata__` string→string map;
/// `SafetensorsLayout` parses and checks it. Tensor order is the data order (JSON objects are
/// unordered), and writing keeps the model's order with the header padded with spaces to a
/// multiple of 8 bytes.
public enum Safetensors {
    /// Decodes a safetensors file; tensors' `bytes` are slices of `data` (no copy).
    public static func decode(_ data: Data, fileName: String) throws -> Model {
        let headerLength = try SafetensorsLayout.headerLength(data.prefix(8), fileByteCount: data.count, fileName: fileName)
        let layout = try SafetensorsLayout(header: data.slice(relative: 8..<(8 + headerLength)) ?? Data(),
                                           fileByteCount: data.count, fileName: fileName)
        var tensors: [Tensor] = []
        tensors.reserveCapacity(layout.entries.count)
        for entry in layout.entries {
            guard let bytes = data.slice(relative: layout.fileRange(of: entry)) else {
                throw SafetensorsLayout.malformed(fileName, "tensor '\(entry.name)' lies outside the file")
            }
            tensors.append(try Tensor(name: entry.name, dtype: entry.dtype, shape: entry.shape, bytes: bytes))
        }
        return Model(tensors: tensors, metadata: layout.metadata)
    }

    /// Encodes a model: header in the model's tensor order, `__metadata__` first (keys sorted), data in the same order.
    public static func encode(_ model: Model) throws -> Data {
        var output = try header(model.tensors.map { ($0.name, $0.dtype, $0.shape) }, metadata: model.metadata)
        for tensor in model.tensors { output.append(tensor.bytes) }
        return output
    }

    /// The bytes before the data of a file holding `tensors` in this order: the 8-byte length and
    /// the JSON header, padded with spaces to a multiple of 8 bytes.
    ///
    /// `encode` follows it with every tensor's bytes; a streaming writer appends them one at a time.
    public static func header(_ tensors: [(name: String, dtype: DType, shape: [Int])], metadata: [String: String]) throws -> Data {
        var names = Set<String>()
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { key in
                JSONWriter.quoted(key) + ":" + JSONWriter.quoted(metadata[key] ?? "")
            }
            members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for tensor in tensors {
            guard tensor.name != "__metadata__" else {
                throw SZNNError(.invalidArgument, "a tensor may not be named '__metadata__' in safetensors",
                                hint: "rename the tensor")
            }
            guard names.insert(tensor.name).inserted else {
                throw SZNNError(.duplicateTensor, "model has two tensors named '\(tensor.name)'",
                                hint: "tensor names must be unique")
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            let end = offset + tensor.shape.reduce(1, *) * tensor.dtype.byteWidth
            members.append(JSONWriter.quoted(tensor.name) + ":{\"dtype\":\"\(tensor.dtype.safetensorsName)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var headerBytes = Data(("{" + members.joined(separator: ",") + "}").utf8)
        let padding = (8 - headerBytes.count % 8) % 8
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))

        var output = Data(capacity: 8 + headerBytes.count)
        output.appendLittleEndian(UInt64(headerBytes.count))
        output.append(headerBytes)
        return output
    }
}
