import Foundation

/// The computation an ONNX skeleton describes, in plain values: nodes, attributes, inputs, outputs.
///
/// Field numbers from `onnx.proto`: ModelProto opset_import 8 (OperatorSetIdProto domain 1,
/// version 2); GraphProto node 1, name 2, initializer 5, input 11, output 12; NodeProto input 1,
/// output 2, name 3, op_type 4, attribute 5, domain 7; AttributeProto name 1, f 2, i 3, s 4, t 5,
/// g 6, floats 7, ints 8, strings 9; ValueInfoProto name 1, type 2; TypeProto tensor_type 1;
/// TypeProto.Tensor elem_type 1, shape 2; TensorShapeProto dim 1; dim_value 1, dim_param 2.
public struct ONNXGraph: Sendable {
    public var name: String
    public var nodes: [Node]
    /// The graph inputs fed with data (those that are not initializers).
    public var inputs: [ValueInfo]
    public var outputs: [String]
    /// Every initializer's name, ONNX type code and shape, in file order.
    public var initializers: [(name: String, dataType: Int, shape: [Int])]
    /// Opset version per domain ("" is the default ONNX domain).
    public var opsets: [String: Int]

    /// One node.
    public struct Node: Sendable {
        public var name: String
        public var operatorType: String
        public var domain: String
        public var inputs: [String]
        public var outputs: [String]
        public var attributes: [String: Attribute]
    }

    /// An attribute value.
    public enum Attribute: Sendable {
        case integer(Int), float(Float), string(String), integers([Int]), floats([Float]), strings([String])
        case tensor(Tensor)
        /// A subgraph or another kind sz-nn does not interpret.
        case unsupported
    }

    /// A graph input: name and shape (`nil` for a symbolic dimension such as the batch).
    public struct ValueInfo: Sendable {
        public var name: String
        public var elementType: Int
        public var shape: [Int?]
    }

    /// The graph of an ONNX skeleton (`Model.graph` of a model read from `.onnx`).
    public init(_ graph: ModelGraph, fileName: String) throws {
        guard graph.format == ONNXModelFile.format else {
            throw SZNNError(.unsupportedFileType, "\(fileName) carries a '\(graph.format)' graph, not an ONNX one")
        }
        var reader = ProtobufReader(graph.bytes, fileName: fileName)
        var graphBytes: Data?, opsets: [String: Int] = [:]
        while let field = try reader.next() {
            if field.number == ONNXModelFile.Field.modelGraph { graphBytes = try reader.bytes(field, "graph") }
            if field.number == 8 {
                var entry = try reader.nested(try reader.bytes(field, "opset_import"), "opset_import")
                var domain = "", version = 0
                while let item = try entry.next() {
                    if item.number == 1 { domain = try entry.string(item, "opset domain") }
                    if item.number == 2 { version = Int(try entry.int64(item, "opset version")) }
                }
                opsets[domain == "ai.onnx" ? "" : domain] = version
            }
        }
        guard let graphBytes else { throw SZNNError(.malformedModelFile, "\(fileName) holds no ONNX graph") }
        self.opsets = opsets
        name = ""; nodes = []; inputs = []; outputs = []; initializers = []
        var graphReader = try reader.nested(graphBytes, "graph")
        var declaredInputs: [ValueInfo] = []
        while let field = try graphReader.next() {
            switch field.number {
            case 1: nodes.append(try Self.node(try graphReader.bytes(field, "node"), reader: graphReader))
            case 2: name = try graphReader.string(field, "graph name")
            case 5:
                let header = try Self.tensorHeader(try graphReader.bytes(field, "initializer"), reader: graphReader)
                initializers.append((header.name, header.dataType, header.dims))
            case 11: declaredInputs.append(try Self.valueInfo(try graphReader.bytes(field, "input"), reader: graphReader))
            case 12: outputs.append(try Self.valueInfo(try graphReader.bytes(field, "output"), reader: graphReader).name)
            default: continue
            }
        }
        let initializerNames = Set(initializers.map(\.name))
        inputs = declaredInputs.filter { !initializerNames.contains($0.name) }
    }

    /// Name, type code and dims of a TensorProto, without its data.
    static func tensorHeader(_ bytes: Data, reader parent: ProtobufReader) throws -> ONNXTensorProto.Header {
        var reader = try parent.nested(bytes, "tensor")
        var header = ONNXTensorProto.Header()
        while let field = try reader.next() {
            switch field.number {
            case ONNXTensorProto.Field.dims: header.dims += try reader.varints(field, "tensor dims").map { Int(Int64(bitPattern: $0)) }
            case ONNXTensorProto.Field.dataType: header.dataType = Int(try reader.int64(field, "tensor data_type"))
            case ONNXTensorProto.Field.name: header.name = try reader.string(field, "tensor name")
            default: continue
            }
        }
        return header
    }

    private static func node(_ bytes: Data, reader parent: ProtobufReader) throws -> Node {
        var reader = try parent.nested(bytes, "node")
        var node = Node(name: "", operatorType: "", domain: "", inputs: [], outputs: [], attributes: [:])
        while let field = try reader.next() {
            switch field.number {
            case 1: node.inputs.append(try reader.string(field, "node input"))
            case 2: node.outputs.append(try reader.string(field, "node output"))
            case 3: node.name = try reader.string(field, "node name")
            case 4: node.operatorType = try reader.string(field, "op_type")
            case 5:
                let (name, value) = try attribute(try reader.bytes(field, "attribute"), reader: reader)
                node.attributes[name] = value
            case 7: node.domain = try reader.string(field, "node domain")
            default: continue
            }
        }
        if node.domain == "ai.onnx" { node.domain = "" }
        return node
    }

    private static func attribute(_ bytes: Data, reader parent: ProtobufReader) throws -> (String, Attribute) {
        var reader = try parent.nested(bytes, "attribute")
        var name = "", type = 0
        var float: Float?, integer: Int?, string: String?, tensor: Tensor?
        var floats: [Float] = [], integers: [Int] = [], strings: [String] = []
        while let field = try reader.next() {
            switch field.number {
            case 1: name = try reader.string(field, "attribute name")
            case 20: type = Int(try reader.int64(field, "attribute type"))
            case 2: float = Float(bitPattern: try reader.fixed32s(field, "attribute f").first ?? 0)
            case 3: integer = Int(try reader.int64(field, "attribute i"))
            case 4: string = String(decoding: try reader.bytes(field, "attribute s"), as: UTF8.self)
            case 5: tensor = try ONNXTensorProto.decode(try reader.bytes(field, "attribute t"), reader: reader, externalFolder: nil).1
            case 7: floats += try reader.fixed32s(field, "attribute floats").map(Float.init(bitPattern:))
            case 8: integers += try reader.varints(field, "attribute ints").map { Int(Int64(bitPattern: $0)) }
            case 9: strings.append(String(decoding: try reader.bytes(field, "attribute strings"), as: UTF8.self))
            default: continue
            }
        }
        // AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, 8 STRINGS.
        switch type {
        case 1: return (name, .float(float ?? 0))
        case 2: return (name, .integer(integer ?? 0))
        case 3: return (name, .string(string ?? ""))
        case 4: return (name, tensor.map(Attribute.tensor) ?? .unsupported)
        case 6: return (name, .floats(floats))
        case 7: return (name, .integers(integers))
        case 8: return (name, .strings(strings))
        default:
            // Old writers leave `type` unset: infer it from the field present.
            if let integer { return (name, .integer(integer)) }
            if let float { return (name, .float(float)) }
            if let string { return (name, .string(string)) }
            if let tensor { return (name, .tensor(tensor)) }
            if !integers.isEmpty { return (name, .integers(integers)) }
            if !floats.isEmpty { return (name, .floats(floats)) }
            return (name, .unsupported)
        }
    }

    private static func valueInfo(_ bytes: Data, reader parent: ProtobufReader) throws -> ValueInfo {
        var reader = try parent.nested(bytes, "value_info")
        var info = ValueInfo(name: "", elementType: 0, shape: [])
        while let field = try reader.next() {
            if field.number == 1 { info.name = try reader.string(field, "value name") }
            guard field.number == 2 else { continue }
            var type = try reader.nested(try reader.bytes(field, "type"), "type")
            while let typeField = try type.next() {
                guard typeField.number == 1 else { continue }
                var tensorType = try type.nested(try type.bytes(typeField, "tensor_type"), "tensor_type")
                while let item = try tensorType.next() {
                    if item.number == 1 { info.elementType = Int(try tensorType.int64(item, "elem_type")) }
                    guard item.number == 2 else { continue }
                    var shape = try tensorType.nested(try tensorType.bytes(item, "shape"), "shape")
                    while let dimension = try shape.next() {
                        guard dimension.number == 1 else { continue }
                        var dim = try shape.nested(try shape.bytes(dimension, "dim"), "dim")
                        var value: Int?
                        while let part = try dim.next() {
                            if part.number == 1 { value = Int(try dim.int64(part, "dim_value")) }
                        }
                        info.shape.append(value)
                    }
                }
            }
        }
        return info
    }
}
