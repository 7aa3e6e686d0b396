import Foundation
import SZNNCore
import SZNNEngine

/// Turns a model that carries an ONNX graph into the engine's `GraphDescription`.
///
/// The graph's initializers take their values from the model's tensors (so a `.sznn` made
/// from the ONNX file, or weights trained from it, run in the same graph); every initializer
/// must have a tensor of the same shape, or the error names it.
public enum GraphBridge {
    /// The oldest and newest default-domain opsets the engine implements.
    public static let supportedOpsets = 13...21

    /// The engine's description of `model.graph` with `model`'s tensors as its initializers.
    public static func description(of model: Model, fileName: String) throws -> GraphDescription {
        guard let stored = model.graph else {
            throw SZNNError(.architectureMismatch, "\(fileName) carries no graph",
                            hint: "give the architecture with --model (a .json configuration or an .onnx file)")
        }
        let graph = try ONNXGraph(stored, fileName: fileName)
        let opset = graph.opsets[""] ?? 0
        guard supportedOpsets.contains(opset) else {
            throw SZNNError(.architectureMismatch, "\(fileName) uses ONNX opset \(opset); sz-nn runs opsets \(supportedOpsets.lowerBound)–\(supportedOpsets.upperBound)",
                            hint: "export again with torch.onnx.export(..., opset_version=17)")
        }
        if let foreign = graph.nodes.first(where: { !$0.domain.isEmpty }) {
            throw SZNNError(.architectureMismatch, "\(fileName): node \(foreign.name) is '\(foreign.operatorType)' of domain '\(foreign.domain)'; sz-nn runs the default ONNX domain only")
        }
        let tensors = Dictionary(model.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let initializers = try graph.initializers.map { initializer -> GraphConstant in
            guard let tensor = tensors[initializer.name] else {
                throw SZNNError(.architectureMismatch, "\(fileName): initializer '\(initializer.name)' has no tensor in the weights",
                                hint: "the weights must come from the same ONNX graph")
            }
            guard tensor.shape == initializer.shape else {
                throw SZNNError(.architectureMismatch,
                                "\(fileName): initializer '\(initializer.name)' is \(initializer.shape) in the graph but \(tensor.shape) in the weights")
            }
            return try constant(tensor, fileName: fileName)
        }
        let nodes = try graph.nodes.map { node in
            GraphNode(name: node.name, operatorType: node.operatorType, inputs: node.inputs, outputs: node.outputs,
                      attributes: try node.attributes.compactMapValues { try attribute($0, fileName: fileName) })
        }
        let name = graph.name.isEmpty ? URL(fileURLWithPath: fileName).deletingPathExtension().lastPathComponent : graph.name
        return GraphDescription(name: name, inputs: graph.inputs.map { ($0.name, $0.shape) }, outputs: graph.outputs,
                                nodes: nodes, initializers: initializers, opsetVersion: opset)
    }

    /// A Core tensor as an engine constant: floating-point types as Float, integer and boolean types as Int.
    static func constant(_ tensor: Tensor, fileName: String) throws -> GraphConstant {
        if let values = tensor.floatValues() {
            return GraphConstant(name: tensor.name, shape: tensor.shape, value: .float(values))
        }
        guard let integers = tensor.integerValues() else {
            throw SZNNError(.unsupportedDType, "\(fileName): tensor '\(tensor.name)' has dtype \(tensor.dtype.safetensorsName), which the engine cannot run")
        }
        return GraphConstant(name: tensor.name, shape: tensor.shape, value: .integer(integers))
    }

    private static func attribute(_ attribute: ONNXGraph.Attribute, fileName: String) throws -> GraphAttribute? {
        switch attribute {
        case .integer(let value): .integer(value)
        case .float(let value): .float(value)
        case .string(let value): .string(value)
        case .integers(let values): .integers(values)
        case .floats(let values): .floats(values)
        case .strings(let values): .strings(values)
        case .tensor(let tensor): .tensor(try constant(tensor, fileName: fileName))
        case .unsupported: nil
        }
    }
}
