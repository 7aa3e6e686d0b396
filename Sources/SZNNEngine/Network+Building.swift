/// Turning a configuration into layers, inferring each layer's input shape from the previous one.
extension Network {
    /// Builds the layers of `configuration` with weights drawn from `seed`.
    static func buildLayers(_ configuration: NetworkConfiguration, seed: UInt64) throws -> [any Layer] {
        guard !configuration.input.isEmpty, configuration.input.allSatisfy({ $0 > 0 }) else {
            throw EngineError(.invalidConfiguration, "input shape \(configuration.input) must have positive dimensions")
        }
        guard !configuration.layers.isEmpty else {
            throw EngineError(.invalidConfiguration, "the model has no layers")
        }
        var generator = RandomGenerator(seed: seed)
        var shape = configuration.input
        var layers: [any Layer] = []
        var names: Set<String> = []
        for (index, layer) in configuration.layers.enumerated() {
            let name = layer.name ?? "\(layer.type)\(index)"
            guard names.insert(name).inserted else {
                throw EngineError(.invalidConfiguration, "layer name '\(name)' is used twice")
            }
            let built = try buildLayer(layer, name: name, index: index, inputShape: shape,
                                       seed: seed, generator: &generator)
            layers.append(built)
            shape = built.outputShape
        }
        guard shape.count == 1, shape[0] >= 2 else {
            throw EngineError(.invalidConfiguration,
                              "the last layer must output a vector of at least 2 class logits, not shape \(shape)")
        }
        return layers
    }

    private static func buildLayer(
        _ layer: LayerConfiguration, name: String, index: Int, inputShape shape: [Int],
        seed: UInt64, generator: inout RandomGenerator
    ) throws -> any Layer {
        let place = "layer \(index) ('\(name)', \(layer.type))"
        func require(_ value: Int?, _ key: String) throws -> Int {
            guard let value, value > 0 else { throw EngineError(.invalidConfiguration, "\(place) needs a positive '\(key)'") }
            return value
        }
        func requireNamed() throws {
            guard layer.name != nil else { throw EngineError(.invalidConfiguration, "\(place) has parameters and needs a 'name'") }
        }
        func requireImage() throws {
            guard shape.count == 3 else {
                throw EngineError(.invalidConfiguration, "\(place) needs a [channels, height, width] input, got \(shape)")
            }
        }
        func window(kernel: Int, stride: Int, padding: Int) throws -> ConvolutionGeometry {
            let geometry = ConvolutionGeometry(channels: shape[0], height: shape[1], width: shape[2],
                                               kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
            guard geometry.isValid else {
                throw EngineError(.invalidConfiguration,
                                  "\(place): window \(kernel)×\(kernel), stride \(stride), padding \(padding) does not fit input \(shape)")
            }
            return geometry
        }
        switch layer.type {
        case "conv2d":
            try requireNamed()
            try requireImage()
            let kernel = try require(layer.kernelSize, "kernelSize")
            let geometry = try window(kernel: kernel, stride: layer.stride ?? 1, padding: layer.padding ?? 0)
            return Conv2D(name: name, geometry: geometry, outputChannels: try require(layer.outputChannels, "outputChannels"),
                          initialization: layer.initialization ?? .he, generator: &generator)
        case "dense":
            try requireNamed()
            guard shape.count == 1 else {
                throw EngineError(.invalidConfiguration, "\(place) needs a vector input (add a flatten layer), got \(shape)")
            }
            return Dense(name: name, inputFeatures: shape[0], outputFeatures: try require(layer.outputFeatures, "outputFeatures"),
                         initialization: layer.initialization ?? .he, generator: &generator)
        case "maxpool2d", "avgpool2d":
            try requireImage()
            let kernel = try require(layer.kernelSize, "kernelSize")
            let geometry = try window(kernel: kernel, stride: layer.stride ?? kernel, padding: 0)
            return layer.type == "maxpool2d" ? MaxPool2D(name: name, geometry: geometry) : AvgPool2D(name: name, geometry: geometry)
        case "relu":
            return ReLU(name: name, shape: shape)
        case "flatten":
            return Flatten(name: name, inputShape: shape)
        case "dropout":
            let rate = layer.rate ?? 0.5
            guard rate >= 0, rate < 1 else { throw EngineError(.invalidConfiguration, "\(place): 'rate' must be in [0, 1)") }
            // Each dropout layer gets its own stream derived from the seed and its position.
            return Dropout(name: name, shape: shape, rate: rate, seed: seed &+ 0x5EED_0000 &+ UInt64(index))
        case "batchnorm":
            try requireNamed()
            let momentum = layer.momentum ?? 0.1, epsilon = layer.epsilon ?? 1e-5
            guard momentum >= 0, momentum <= 1, epsilon > 0 else {
                throw EngineError(.invalidConfiguration, "\(place): 'momentum' must be in [0, 1] and 'epsilon' positive")
            }
            return BatchNorm(name: name, shape: shape, momentum: momentum, epsilon: epsilon)
        default:
            throw EngineError(.invalidConfiguration,
                              "\(place): unknown type; use conv2d, dense, maxpool2d, avgpool2d, relu, flatten, dropout or batchnorm")
        }
    }
}
