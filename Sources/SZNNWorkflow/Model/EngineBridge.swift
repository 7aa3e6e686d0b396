import Foundation
import SZNNCore
import SZNNEngine

/// Conversions between the engine (networks, `EngineError`) and SZNNCore (`Model`, `SZNNError`).
///
/// The engine may not import SZNNCore (DESIGN.md §3), so this is the one place where a
/// network's named tensors become a `Model` and back.
public enum EngineBridge {
    /// Reads the weights in `url`. The single entry point for weight files in `train`/`eval`,
    /// so new formats need a change here only; `.sznn` files are decompressed in memory.
    public static func loadModel(at url: URL, budget: DecodeBudget? = nil, base: Model? = nil) throws -> Model {
        try ModelLoader.load(url, budget: budget, base: base)
    }

    /// Builds the network of the JSON configuration at `url` with seeded initial weights.
    public static func makeNetwork(configurationAt url: URL, seed: UInt64) throws -> Network {
        try translatingErrors {
            try Network(configuration: try NetworkConfiguration.load(from: url), seed: seed)
        }
    }

    /// The network of `architecture` — a `.json` configuration or an `.onnx` file — or, without one,
    /// of the graph that `weights` carries (an `.onnx` file or a `.sznn` made from one), with
    /// `weights` loaded (a configuration without weights keeps its seeded initial values).
    public static func network(architecture: URL?, weights: Model?, weightsName: String, seed: UInt64 = 0) throws -> Network {
        if let architecture, architecture.pathExtension.lowercased() == "json" {
            let network = try makeNetwork(configurationAt: architecture, seed: seed)
            if let weights { try load(weights, into: network, fileName: weightsName) }
            return network
        }
        var graphModel: Model
        let graphName: String
        if let architecture {
            guard architecture.pathExtension.lowercased() == "onnx" else {
                throw SZNNError(.unsupportedFileType, "--model '\(architecture.lastPathComponent)' is neither a .json configuration nor an .onnx graph")
            }
            let source = try ModelFile.read(from: architecture)
            graphModel = Model(tensors: weights?.tensors ?? source.tensors, metadata: source.metadata, graph: source.graph)
            graphName = architecture.lastPathComponent
        } else if let weights, weights.graph != nil {
            graphModel = weights
            graphName = weightsName
        } else {
            throw SZNNError(.invalidArgument, "\(weightsName) carries no graph, so sz-nn cannot tell which network it belongs to",
                            hint: "give --model (a .json configuration or an .onnx file)")
        }
        graphModel.tensors.removeAll { $0.name.hasSuffix(".num_batches_tracked") }
        let description = try GraphBridge.description(of: graphModel, fileName: graphName)
        return try translatingErrors { try Network(graph: description) }
    }

    /// Loads MNIST from a folder holding the four standard `.gz` files.
    public static func loadMNIST(from directory: URL) throws -> MNIST {
        try translatingErrors { try MNIST.load(from: directory) }
    }

    /// Every tensor of the network (weights and BatchNorm buffers) as float32, in order.
    ///
    /// With `source` (the model a graph network was built from), the result is `source` with each
    /// float tensor's values replaced by the network's, in the tensor's own dtype, so integer
    /// constants and the graph stay and the model can be written back as `.onnx`.
    public static func model(from network: Network, metadata: [String: String] = [:], basedOn source: Model? = nil) throws -> Model {
        var allMetadata = metadata
        allMetadata["architecture"] = network.name
        guard let source else {
            let tensors = try network.namedTensors().map { try Tensor(name: $0.name, shape: $0.shape, float32: $0.values) }
            return Model(tensors: tensors, metadata: allMetadata)
        }
        let values = Dictionary(network.namedTensors().map { ($0.name, $0.values) }, uniquingKeysWith: { first, _ in first })
        let tensors = try source.tensors.map { tensor -> Tensor in
            guard tensor.dtype.isFloatingPoint, let replacement = values[tensor.name] else { return tensor }
            return try Tensor(converting: replacement, like: tensor)
        }
        return Model(tensors: tensors, metadata: source.metadata.merging(allMetadata) { _, new in new }, graph: source.graph)
    }

    /// Replaces the network's tensors with those of `model`, converting any float dtype to Float32.
    ///
    /// PyTorch's integer `*.num_batches_tracked` counters are skipped: the engine's BatchNorm
    /// uses a fixed momentum and does not need them. Any other mismatch throws
    /// `architectureMismatch` (601) naming the tensor.
    public static func load(_ model: Model, into network: Network, fileName: String) throws {
        var named: [String: (shape: [Int], values: [Float])] = [:]
        for tensor in model.tensors where !tensor.name.hasSuffix(".num_batches_tracked") {
            // A graph's integer initializers (shapes, indices) are constants of the graph, not weights.
            if network.configuration == nil && !tensor.dtype.isFloatingPoint { continue }
            guard let values = tensor.floatValues() else {
                throw SZNNError(.architectureMismatch,
                                "\(fileName): tensor '\(tensor.name)' has integer dtype \(tensor.dtype.safetensorsName); the network needs floating-point weights")
            }
            named[tensor.name] = (tensor.shape, values)
        }
        do {
            try network.loadParameters(named)
        } catch let error as EngineError {
            throw SZNNError(.architectureMismatch, "\(fileName): \(error.message)",
                            hint: "the weights must come from the same architecture as --model")
        }
    }

    /// Runs `body`, turning any `EngineError` into the `SZNNError` with the matching stable code.
    public static func translatingErrors<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as EngineError {
            throw sznnError(for: error)
        }
    }

    /// The `SZNNError` for an engine error: 601 architecture, 602 dataset, 102 configuration, 201 unreadable, 101 argument.
    public static func sznnError(for error: EngineError) -> SZNNError {
        switch error.kind {
        case .architectureMismatch:
            SZNNError(.architectureMismatch, error.message)
        case .malformedDataset:
            SZNNError(.malformedDataset, error.message, hint: "use the original MNIST .gz files (Data/mnist)")
        case .invalidConfiguration:
            SZNNError(.invalidConfiguration, error.message, hint: "see Configs/models/README.md for the keys")
        case .unreadableFile:
            SZNNError(.unreadableFile, error.message, hint: "check the path and permissions")
        case .invalidArgument:
            SZNNError(.invalidArgument, error.message)
        }
    }
}
