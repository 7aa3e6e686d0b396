import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner

/// `compress --target-acc-loss` as a library call: learn one bound per tensor, compress, verify, write.
///
/// The output is written only after the compressed bytes have been decompressed in memory
/// and evaluated: the validation drop it reports is measured on exactly what is written.
public struct AccuracyTargetRun {
    public let weightsURL: URL
    /// The architecture (.json or .onnx); nil when the weights carry their graph (an .onnx input).
    public let architectureURL: URL?
    /// Reads and labels the examples for the network (its own predictions when they have no labels).
    public let loadData: (Network) throws -> LabelledData
    public let outputURL: URL
    public let options: TuningOptions
    public let backend: any EntropyBackend
    /// Whether slices (dense input columns, conv output channels) get their own bounds.
    public let sliceBounds: Bool
    /// The user's rules (`--config`, `--lossless-below`) without a default bound: what they make
    /// lossless or pin is kept, everything else trainable is tuned.
    public let plan: CompressionPlan
    /// The model the output is an update of (nil: standalone), and the names of the files it came from.
    public let base: Model?
    public let baseNames: [String]

    public init(weightsURL: URL, architectureURL: URL?, loadData: @escaping (Network) throws -> LabelledData, outputURL: URL,
                options: TuningOptions, backend: any EntropyBackend, sliceBounds: Bool, plan: CompressionPlan,
                base: Model? = nil, baseNames: [String] = []) {
        self.weightsURL = weightsURL
        self.architectureURL = architectureURL
        self.loadData = loadData
        self.outputURL = outputURL
        self.options = options
        self.backend = backend
        self.sliceBounds = sliceBounds
        self.plan = plan
        self.base = base
        self.baseNames = baseNames
    }

    /// Tunes, compresses, verifies and writes; `events` hears of each phase and search step.
    public func run(events: (CompressionEvent) -> Void = { _ in }) throws -> CompressionReport {
        try OutputPath.checkWritable(outputURL.path)
        let started = Date()
        let sourceBytes = try ModelLoader.readBytes(weightsURL)
        var model = try ModelFile.decode(sourceBytes, from: weightsURL)
        let network = try EngineBridge.network(architecture: architectureURL, weights: model, weightsName: weightsURL.lastPathComponent)
        // An ONNX --model's graph goes into the .sznn, so that it decompresses to a runnable .onnx.
        if model.graph == nil, let architectureURL, architectureURL.pathExtension.lowercased() == "onnx" {
            model.graph = try ModelFile.read(from: architectureURL).graph
        }
        let examples = try loadData(network)

        // Trainable float tensors are tuned unless the plan keeps them; buffers (BatchNorm statistics) stay lossless.
        let names = TunedTensorSelection.names(of: model, trainable: Set(network.trainableParameters.map(\.name)), plan: plan)
        events(.phase("measuring squared gradients (Fisher)"))
        let squares = try EngineBridge.translatingErrors {
            try FisherAllocation.squaredGradients(network: network, names: names, training: examples.training, seed: options.seed)
        }
        let tensors = try TunedTensorSelection.measure(model, names: names, oracle: Backends.tensorRateFunction(of: backend), slices: { tensor in
            guard sliceBounds, let axis = FisherAllocation.sliceAxis(shape: tensor.shape), let square = squares[tensor.name] else { return nil }
            return (axis, FisherAllocation.sliceFactors(squares: square, shape: tensor.shape, axis: axis))
        }, base: base, progress: { events(.phase($0)) })
        let tuner = try EngineBridge.translatingErrors {
            try AccuracyTargetTuner(network: network, training: examples.training, validation: examples.validation, tensors: tensors,
                                    fisherSquares: squares, options: options)
        }
        let searchStarted = Date()
        let outcome = try EngineBridge.translatingErrors { try tuner.run { events(.tuning($0, started: searchStarted)) } }
        let originalTest = try EngineBridge.translatingErrors { try network.accuracy(on: examples.test) }
        let settings = VerifiedCompression.tuningSettings(target: options.targetAccuracyLoss, tuner: options.method.rawValue, backend: backend,
                                                          architecture: (architectureURL ?? weightsURL).lastPathComponent,
                                                          confidence: options.confidence)
        let output = VerifiedWrite(network: network, data: examples, compression: VerifiedCompression(plan: plan, backend: backend, base: base),
                                   outputURL: outputURL, targetAccuracyLoss: options.targetAccuracyLoss)
        var metadata = VerifiedCompression.metadata(source: weightsURL, sourceBytes: sourceBytes, settings: settings)
        if base != nil { metadata["base_names"] = baseNames }
        return try output.write(model, tensors: tensors, outcome: outcome, originalTest: originalTest, started: started,
                                metadata: metadata,
                                extraEvaluations: 0, events: events)
    }
}
