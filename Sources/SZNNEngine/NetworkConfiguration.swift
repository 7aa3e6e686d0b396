import Foundation

/// A sequential network architecture read from JSON (`Configs/models/*.json`).
///
/// Every key is documented in `Configs/models/README.md`. Unknown keys are rejected so a
/// typo (`"kernel_size"`) fails loudly instead of silently taking a default.
public struct NetworkConfiguration: Codable, Sendable, Equatable {
    /// A human-readable model name, stored in the weight file's metadata.
    public var name: String
    /// The per-sample input shape without the batch dimension, e.g. `[1, 28, 28]`.
    public var input: [Int]
    /// The layers in order; the last one must produce one logit per class.
    public var layers: [LayerConfiguration]
    /// Default training hyperparameters; command-line options override them.
    public var training: TrainingConfiguration?

    public init(name: String, input: [Int], layers: [LayerConfiguration], training: TrainingConfiguration? = nil) {
        self.name = name
        self.input = input
        self.layers = layers
        self.training = training
    }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: ["name", "input", "layers", "training"], context: "the model")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        input = try container.decode([Int].self, forKey: .input)
        layers = try container.decode([LayerConfiguration].self, forKey: .layers)
        training = try container.decodeIfPresent(TrainingConfiguration.self, forKey: .training)
    }

    /// Reads and decodes a JSON configuration file.
    public static func load(from url: URL) throws -> NetworkConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EngineError(.unreadableFile, "cannot read model configuration \(url.path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(NetworkConfiguration.self, from: data)
        } catch let error as EngineError {
            throw EngineError(error.kind, "\(url.lastPathComponent): \(error.message)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw EngineError(.invalidConfiguration,
                              "\(url.lastPathComponent): missing key '\(key.stringValue)' at \(describe(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw EngineError(.invalidConfiguration,
                              "\(url.lastPathComponent): wrong type at \(describe(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw EngineError(.invalidConfiguration,
                              "\(url.lastPathComponent): null value at \(describe(context.codingPath))")
        } catch {
            throw EngineError(.invalidConfiguration, "\(url.lastPathComponent) is not valid JSON: \(error.localizedDescription)")
        }
    }

    private static func describe(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "top level" : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// One layer of a configuration. Which keys apply depends on `type`.
public struct LayerConfiguration: Codable, Sendable, Equatable {
    /// The layer kind: `conv2d`, `dense`, `maxpool2d`, `avgpool2d`, `relu`, `flatten`, `dropout`, `batchnorm`.
    public var type: String
    /// The tensor-name prefix (`conv1` → `conv1.weight`); required for layers with parameters.
    public var name: String?
    /// `conv2d`: number of output channels.
    public var outputChannels: Int?
    /// `dense`: number of output features.
    public var outputFeatures: Int?
    /// `conv2d`, pools: square window size.
    public var kernelSize: Int?
    /// `conv2d` (default 1), pools (default `kernelSize`).
    public var stride: Int?
    /// `conv2d`: zero padding on each side (default 0).
    public var padding: Int?
    /// `conv2d`, `dense`: `he` (default) or `glorot`.
    public var initialization: WeightInitialization?
    /// `dropout`: probability of zeroing an element, in [0, 1).
    public var rate: Float?
    /// `batchnorm`: running-statistics momentum (default 0.1).
    public var momentum: Float?
    /// `batchnorm`: variance epsilon (default 1e-5).
    public var epsilon: Float?

    public init(type: String, name: String? = nil, outputChannels: Int? = nil, outputFeatures: Int? = nil,
                kernelSize: Int? = nil, stride: Int? = nil, padding: Int? = nil,
                initialization: WeightInitialization? = nil, rate: Float? = nil,
                momentum: Float? = nil, epsilon: Float? = nil) {
        self.type = type
        self.name = name
        self.outputChannels = outputChannels
        self.outputFeatures = outputFeatures
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.initialization = initialization
        self.rate = rate
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Set(CodingKeys.allCases.map(\.stringValue)), context: "a layer")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        outputChannels = try container.decodeIfPresent(Int.self, forKey: .outputChannels)
        outputFeatures = try container.decodeIfPresent(Int.self, forKey: .outputFeatures)
        kernelSize = try container.decodeIfPresent(Int.self, forKey: .kernelSize)
        stride = try container.decodeIfPresent(Int.self, forKey: .stride)
        padding = try container.decodeIfPresent(Int.self, forKey: .padding)
        initialization = try container.decodeIfPresent(WeightInitialization.self, forKey: .initialization)
        rate = try container.decodeIfPresent(Float.self, forKey: .rate)
        momentum = try container.decodeIfPresent(Float.self, forKey: .momentum)
        epsilon = try container.decodeIfPresent(Float.self, forKey: .epsilon)
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case type, name, outputChannels, outputFeatures, kernelSize, stride, padding, initialization, rate, momentum, epsilon
    }
}

/// Default training hyperparameters of a model configuration.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    /// `sgd` or `adam`.
    public var optimizer: String?
    public var learningRate: Float?
    /// SGD momentum (default 0.9).
    public var momentum: Float?
    /// L2 weight decay added to every trainable parameter's gradient (default 0).
    public var weightDecay: Float?
    public var batchSize: Int?
    public var epochs: Int?
    /// Factor applied to the learning rate after every epoch (default 1: constant).
    public var learningRateDecay: Float?
    /// Seed for initialisation, shuffling and dropout.
    public var seed: UInt64?

    public init(optimizer: String? = nil, learningRate: Float? = nil, momentum: Float? = nil,
                weightDecay: Float? = nil, batchSize: Int? = nil, epochs: Int? = nil,
                learningRateDecay: Float? = nil, seed: UInt64? = nil) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.epochs = epochs
        self.learningRateDecay = learningRateDecay
        self.seed = seed
    }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Set(CodingKeys.allCases.map(\.stringValue)), context: "training")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        optimizer = try container.decodeIfPresent(String.self, forKey: .optimizer)
        learningRate = try container.decodeIfPresent(Float.self, forKey: .learningRate)
        momentum = try container.decodeIfPresent(Float.self, forKey: .momentum)
        weightDecay = try container.decodeIfPresent(Float.self, forKey: .weightDecay)
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize)
        epochs = try container.decodeIfPresent(Int.self, forKey: .epochs)
        learningRateDecay = try container.decodeIfPresent(Float.self, forKey: .learningRateDecay)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case optimizer, learningRate, momentum, weightDecay, batchSize, epochs, learningRateDecay, seed
    }
}

/// A coding key that accepts any string, used to list the keys actually present.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Throws `invalidConfiguration` naming the first key of the object that is not in `allowed`.
private func rejectUnknownKeys(_ decoder: any Decoder, allowed: Set<String>, context: String) throws {
    let container = try decoder.container(keyedBy: AnyKey.self)
    if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
        throw EngineError(.invalidConfiguration,
                          "unknown key '\(unknown)' in \(context); allowed: \(allowed.sorted().joined(separator: ", "))")
    }
}
