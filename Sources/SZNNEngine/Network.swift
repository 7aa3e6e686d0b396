/// A network built from a `NetworkConfiguration` (sequential layers) or a `GraphDescription`
/// (a DAG such as an ONNX graph): the engine's main entry point.
///
/// Parameters are exposed in a fixed order (layer by layer; within a layer `weight`, `bias`,
/// then buffers `running_mean`, `running_var`) under PyTorch-style names; a graph's are its
/// float initializers, in the file's order, under their own names. The tuner reads and
/// replaces values by name (`values(of:)`, `setValues(_:for:)`) without rebuilding the net,
/// and asks for `lossAndGradients(images:labels:mode:)`.
public final class Network {
    /// The sequential architecture, or nil for a network built from a graph.
    public let configuration: NetworkConfiguration?
    /// The architecture's name (configuration or graph name) for reports.
    public let name: String
    /// The per-sample input shape, e.g. `[1, 28, 28]`.
    public let inputShape: [Int]
    /// Number of output classes (logits per sample).
    public let classCount: Int
    let layers: [any Layer]
    /// The graph a graph network runs instead of `layers`.
    let graph: GraphProgram?
    /// Every named tensor, trainable weights and buffers, in the fixed order described above.
    public let parameters: [Parameter]
    private let parameterIndex: [String: Parameter]
    /// Copies of this network that `predictions(on:)` runs batches on beside it, made on first use.
    var evaluationReplicas: [Network] = []

    /// Builds the network with seeded initial weights (He or Glorot per layer, zero biases).
    public init(configuration: NetworkConfiguration, seed: UInt64 = 0) throws {
        let layers = try Network.buildLayers(configuration, seed: seed)
        self.configuration = configuration
        self.name = configuration.name
        self.inputShape = configuration.input
        self.layers = layers
        self.graph = nil
        self.classCount = layers.last?.outputShape.first ?? 0
        let parameters = layers.flatMap(\.parameters)
        self.parameters = parameters
        self.parameterIndex = try Network.index(parameters)
        // Nothing consumes the gradient with respect to the images: let the first
        // parameterised layer skip it (a whole col2im or GEMM per batch).
        if let first = layers.first(where: { !$0.parameters.isEmpty }), layers.prefix(while: { $0 !== first }).allSatisfy({ $0 is Flatten }) {
            (first as? Conv2D)?.computesInputGradient = false
            (first as? Dense)?.computesInputGradient = false
        }
    }

    /// Builds the network that runs `description`, its weights the graph's float initializers.
    ///
    /// One sample of zeros is run through the graph to check it end to end and to learn the
    /// class count, so a graph whose shapes disagree fails here, naming the node.
    public init(graph description: GraphDescription) throws {
        let program = try GraphProgram(description)
        self.configuration = nil
        self.name = description.name
        self.inputShape = program.sampleShape
        self.layers = []
        self.graph = program
        self.parameters = program.parameters
        self.parameterIndex = try Network.index(program.parameters)
        let probe = try program.forward(FloatTensor(zeros: [1] + program.sampleShape), mode: .inference)
        self.classCount = probe.shape[1]
    }

    private static func index(_ parameters: [Parameter]) throws -> [String: Parameter] {
        var index: [String: Parameter] = [:]
        for parameter in parameters {
            guard index.updateValue(parameter, forKey: parameter.name) == nil else {
                throw EngineError(.invalidConfiguration, "two tensors are named '\(parameter.name)'; rename a layer")
            }
        }
        return index
    }

    /// The weights an optimizer updates and the tuner perturbs (everything but buffers).
    public var trainableParameters: [Parameter] { parameters.filter(\.isTrainable) }

    /// Non-trainable tensors saved with the weights (BatchNorm running statistics).
    public var buffers: [Parameter] { parameters.filter { !$0.isTrainable } }

    /// Total number of scalar values over all trainable parameters.
    public var trainableParameterCount: Int { trainableParameters.reduce(0) { $0 + $1.count } }

    /// The tensor with that name, or an `architectureMismatch` error listing the valid names.
    public func parameter(named name: String) throws -> Parameter {
        guard let parameter = parameterIndex[name] else {
            throw EngineError(.architectureMismatch,
                              "the network has no tensor '\(name)'; it has \(parameters.map(\.name).joined(separator: ", "))")
        }
        return parameter
    }

    /// A copy of the current values of one tensor.
    public func values(of name: String) throws -> [Float] {
        try parameter(named: name).values
    }

    /// Replaces the values of one tensor in place (for example W + errorBound·U), checking the count.
    public func setValues(_ values: [Float], for name: String) throws {
        let parameter = try parameter(named: name)
        guard values.count == parameter.count else {
            throw EngineError(.architectureMismatch,
                              "tensor '\(name)' has shape \(parameter.shape) (\(parameter.count) values), got \(values.count) values")
        }
        parameter.values = values
    }

    /// Every tensor's name, shape, values and trainability, in order (what a weight file stores).
    public func namedTensors() -> [NamedTensor] {
        parameters.map { NamedTensor(name: $0.name, shape: $0.shape, values: $0.values, isTrainable: $0.isTrainable) }
    }

    /// Replaces all tensors at once (weights and buffers) after checking the set matches exactly.
    ///
    /// Throws `architectureMismatch` naming the first missing tensor, unexpected tensor, or
    /// tensor whose shape or value count differs from what the architecture expects. Nothing
    /// is changed unless every tensor checks out.
    public func loadParameters(_ named: [String: (shape: [Int], values: [Float])]) throws {
        for parameter in parameters {
            guard let candidate = named[parameter.name] else {
                throw EngineError(.architectureMismatch,
                                  "tensor '\(parameter.name)' (shape \(parameter.shape)) is missing from the weights")
            }
            guard candidate.shape == parameter.shape else {
                throw EngineError(.architectureMismatch,
                                  "tensor '\(parameter.name)' has shape \(candidate.shape) but the architecture expects \(parameter.shape)")
            }
            guard candidate.values.count == parameter.count else {
                throw EngineError(.architectureMismatch,
                                  "tensor '\(parameter.name)' has \(candidate.values.count) values but shape \(parameter.shape) needs \(parameter.count)")
            }
        }
        if let unexpected = named.keys.sorted().first(where: { parameterIndex[$0] == nil }) {
            throw EngineError(.architectureMismatch,
                              "unexpected tensor '\(unexpected)': the architecture '\(name)' has no such tensor")
        }
        for parameter in parameters {
            if let candidate = named[parameter.name] { parameter.values = candidate.values }
        }
    }

    /// Runs the layers on a batch `[N] + inputShape` after checking its shape.
    public func forward(_ images: FloatTensor, mode: ForwardMode) throws -> FloatTensor {
        guard images.shape.count == inputShape.count + 1, Array(images.shape.dropFirst()) == inputShape,
              images.batchSize > 0 else {
            throw EngineError(.architectureMismatch,
                              "input batch has shape \(images.shape); expected [N > 0] + \(inputShape)")
        }
        // `values` is publicly mutable: make sure it still matches the shape before raw-pointer kernels read it.
        guard images.values.count == images.shape.reduce(1, *) else {
            throw EngineError(.invalidArgument,
                              "input batch of shape \(images.shape) holds \(images.values.count) values, not \(images.shape.reduce(1, *))")
        }
        if let graph { return try graph.forward(images, mode: mode) }
        var activation = images
        for layer in layers { activation = layer.forward(activation, mode: mode) }
        return activation
    }

    /// Back-propagates d(loss)/d(logits) through every layer, setting all parameter gradients.
    func backward(_ logitsGradient: FloatTensor) throws {
        if let graph { return try graph.backward(logitsGradient) }
        var gradient = logitsGradient
        for layer in layers.reversed() {
            gradient = layer.backward(gradient)
            if gradient.count == 0 { break }  // the first layer skipped its input gradient
        }
    }
}

/// One tensor of a network as plain values: what the tuner and the weight files exchange.
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]
    /// False for buffers (BatchNorm running statistics).
    public var isTrainable: Bool

    public init(name: String, shape: [Int], values: [Float], isTrainable: Bool) {
        self.name = name
        self.shape = shape
        self.values = values
        self.isTrainable = isTrainable
    }
}
