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
    public static func loadModel(at url: URL, budget: DecodeBudget? = nil) throws -> Model {
        try ModelLoader.load(url, budget: budget)
    }

    /// Builds the network of the JSON configuration at `url` with seeded initial weights.
    public static func makeNetwork(configurationAt url: URL, seed: UInt64) throws -> Network {
        try translatingErrors {
            try Network(configuration: try NetworkConfiguration.load(from: url), seed: seed)
        }
    }

    /// Loads MNIST from a folder holding the four standard `.gz` files.
    public static func loadMNIST(from directory: URL) throws -> MNIST {
        try translatingErrors { try MNIST.load(from: directory) }
    }

    /// Every tensor of the network (weights and BatchNorm buffers) as float32, in order.
    public static func model(from network: Network, metadata: [String: String] = [:]) throws -> Model {
        let tensors = try network.namedTensors().map { try Tensor(name: $0.name, shape: $0.shape, float32: $0.values) }
        var allMetadata = metadata
        allMetadata["architecture"] = network.name
        return Model(tensors: tensors, metadata: allMetadata)
    }

    /// Replaces the network's tensors with those of `model`, converting any float dtype to Float32.
    ///
    /// PyTorch's integer `*.num_batches_tracked` counters are skipped: the engine's BatchNorm
    /// uses a fixed momentum and does not need them. Any other mismatch throws
    /// `architectureMismatch` (601) naming the tensor.
    public static func load(_ model: Model, into network: Network, fileName: String) throws {
        var named: [String: (shape: [Int], values: [Float])] = [:]
        for tensor in model.tensors where !tensor.name.hasSuffix(".num_batches_tracked") {
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
