import Foundation

/// Reads and writes ONNX models (`.onnx`): the initializers become the model's tensors and the
/// rest of the ModelProto — the graph, with each initializer's name, type and shape but no
/// data — is kept verbatim as the model's `graph` (the *skeleton*), so writing puts the
/// (reconstructed) tensors back into exactly the original graph.
///
/// Field numbers from `onnx.proto`: ModelProto graph 7, metadata_props 14; GraphProto initializer 5.
public enum ONNXModelFile {
    /// The `ModelGraph.format` of ONNX skeletons.
    public static let format = "onnx"

    enum Field {
        static let modelGraph = 7, modelMetadata = 14, graphInitializer = 5
    }

    /// The tensors and skeleton of the ONNX file `url` whose bytes are `data`; external data is read
    /// from files beside it.
    public static func decode(_ data: Data, from url: URL) throws -> Model {
        let fileName = url.lastPathComponent
        var reader = ProtobufReader(data, fileName: fileName)
        var skeleton = ProtobufWriter()
        var tensors: [Tensor] = [], metadata: [String: String] = [:], sawGraph = false
        while let field = try reader.next() {
            switch field.number {
            case Field.modelGraph:
                sawGraph = true
                var graph = try reader.nested(try reader.bytes(field, "graph"), "graph")
                var graphSkeleton = ProtobufWriter()
                while let graphField = try graph.next() {
                    guard graphField.number == Field.graphInitializer else { graphSkeleton.appendRaw(graph.raw(graphField)); continue }
                    let bytes = try graph.bytes(graphField, "initializer")
                    let (header, tensor) = try ONNXTensorProto.decode(bytes, reader: graph, externalFolder: url.deletingLastPathComponent())
                    guard let tensor else { graphSkeleton.appendRaw(graph.raw(graphField)); continue }
                    guard !header.name.isEmpty else {
                        throw SZNNError(.malformedModelFile, "\(fileName): an initializer has no name")
                    }
                    tensors.append(tensor)
                    graphSkeleton.appendBytes(Field.graphInitializer, try ONNXTensorProto.stripped(bytes, reader: graph))
                }
                skeleton.appendMessage(Field.modelGraph, graphSkeleton)
            case Field.modelMetadata:
                var entry = try reader.nested(try reader.bytes(field, "metadata_props"), "metadata_props")
                var key = "", value = ""
                while let item = try entry.next() {
                    if item.number == 1 { key = try entry.string(item, "metadata key") }
                    if item.number == 2 { value = try entry.string(item, "metadata value") }
                }
                metadata[key] = value
                skeleton.appendRaw(reader.raw(field))
            default:
                skeleton.appendRaw(reader.raw(field))
            }
        }
        guard sawGraph else {
            throw SZNNError(.malformedModelFile, "\(fileName) holds no ONNX graph", hint: "is it an ONNX model? export it again with torch.onnx.export")
        }
        var seen: Set<String> = []
        if let duplicate = tensors.first(where: { !seen.insert($0.name).inserted }) {
            throw SZNNError(.duplicateTensor, "\(fileName): two initializers are named '\(duplicate.name)'")
        }
        var model = Model(tensors: tensors, metadata: metadata)
        model.graph = ModelGraph(format: format, bytes: skeleton.bytes)
        return model
    }

    /// A self-contained ONNX file: the model's skeleton with every stripped initializer filled from
    /// the tensor of the same name (as raw_data, in the tensor's dtype).
    public static func encode(_ model: Model) throws -> Data {
        guard let graph = model.graph, graph.format == format else {
            throw SZNNError(.unsupportedFileType, "this model carries no ONNX graph, so it cannot be written as .onnx",
                            hint: "only a model read from .onnx (or a .sznn made from one) can be written as .onnx; use .safetensors")
        }
        let byName = Dictionary(model.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var reader = ProtobufReader(graph.bytes, fileName: "the stored ONNX graph")
        var output = ProtobufWriter()
        var used: Set<String> = []
        while let field = try reader.next() {
            guard field.number == Field.modelGraph else { output.appendRaw(reader.raw(field)); continue }
            var graphReader = try reader.nested(try reader.bytes(field, "graph"), "graph")
            var graphOutput = ProtobufWriter()
            while let graphField = try graphReader.next() {
                guard graphField.number == Field.graphInitializer else { graphOutput.appendRaw(graphReader.raw(graphField)); continue }
                let bytes = try graphReader.bytes(graphField, "initializer")
                let header = try ONNXGraph.tensorHeader(bytes, reader: graphReader)
                guard ONNXTensorProto.dtypes[header.dataType] != nil, !hasData(bytes, reader: graphReader) else {
                    graphOutput.appendRaw(graphReader.raw(graphField))  // kept whole (a string tensor)
                    continue
                }
                guard let tensor = byName[header.name] else {
                    throw SZNNError(.architectureMismatch, "initializer '\(header.name)' of the ONNX graph has no tensor in the weights",
                                    hint: "the weights must come from the same ONNX graph")
                }
                used.insert(header.name)
                graphOutput.appendBytes(Field.graphInitializer, try ONNXTensorProto.filled(bytes, header: header, with: tensor))
            }
            output.appendMessage(Field.modelGraph, graphOutput)
        }
        if let extra = model.tensors.first(where: { !used.contains($0.name) }) {
            throw SZNNError(.architectureMismatch, "tensor '\(extra.name)' is no initializer of the ONNX graph",
                            hint: "the weights must come from the same ONNX graph")
        }
        return output.bytes
    }

    /// Whether a skeleton TensorProto still carries data (one sz-nn kept whole).
    private static func hasData(_ bytes: Data, reader parent: ProtobufReader) -> Bool {
        guard var reader = try? parent.nested(bytes, "tensor") else { return false }
        while let field = try? reader.next() {
            if ONNXTensorProto.Field.data.contains(field.number) || field.number == ONNXTensorProto.Field.stringData { return true }
        }
        return false
    }
}
