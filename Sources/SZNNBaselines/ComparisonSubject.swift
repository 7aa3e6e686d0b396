import Foundation
import SZNNCore
import SZNNEngine
import SZNNWorkflow

/// The model every method compresses, and the one place its accuracy is measured.
///
/// Holds the network (loaded with the original weights), the validation and test splits and
/// the uncompressed accuracies. `validationAccuracy(of:)` swaps decoded weights in, evaluates,
/// and puts the originals back, counting every full validation evaluation.
public final class ComparisonSubject {
    /// One float tensor of the model, as float32.
    public struct Weights: Sendable {
        public let name: String
        public let shape: [Int]
        public let values: [Float]
        /// True for weight matrices and kernels (rank ≥ 2, trainable); biases and buffers are false.
        public let isWeight: Bool
    }

    public let network: Network
    public let validation: Dataset
    public let test: Dataset
    /// Every tensor of the network, in order.
    public let tensors: [Weights]
    /// Top-1 accuracy of the uncompressed model, in [0, 1].
    public let baselineValidation: Double
    public let baselineTest: Double
    /// Full validation evaluations made so far.
    public private(set) var evaluations = 0
    /// Receives one-line progress messages (the CLI shows them on an interactive terminal).
    public var progress: (String) -> Void = { _ in }
    /// The weights file the network was loaded from and the architecture's file name: tuner rows
    /// code that model with the metadata `compress --target-acc-loss` writes, so their size is the file's.
    public var source: (url: URL, bytes: Data, model: Model, architectureName: String)?

    /// Measures the uncompressed accuracies of `network` (its current weights are the originals).
    public init(network: Network, validation: Dataset, test: Dataset) throws {
        self.network = network
        self.validation = validation
        self.test = test
        let trainable = Set(network.trainableParameters.map(\.name))
        tensors = network.namedTensors().map {
            Weights(name: $0.name, shape: $0.shape, values: $0.values, isWeight: trainable.contains($0.name) && $0.shape.count >= 2)
        }
        baselineValidation = try network.accuracy(on: validation)
        baselineTest = try network.accuracy(on: test)
    }

    /// The weight tensors (what the methods compress); everything else is stored exactly.
    public var weightTensors: [Weights] { tensors.filter(\.isWeight) }

    /// Bytes of every tensor as float32: the numerator of every ratio.
    public var originalBytes: Int { tensors.reduce(0) { $0 + $1.values.count * 4 } }

    /// Number of weights in the weight tensors (the denominator of bits per weight).
    public var weightCount: Int { weightTensors.reduce(0) { $0 + $1.values.count } }

    /// The model to code: the source file's, or the network's tensors as float32.
    public func model() throws -> Model {
        if let source { return source.model }
        return try EngineBridge.model(from: network)
    }

    /// Validation top-1 with `weights` (by name; missing names keep the originals).
    public func validationAccuracy(of weights: [String: [Float]]) throws -> Double {
        evaluations += 1
        return try accuracy(of: weights, on: validation)
    }

    /// Counts evaluations made elsewhere on the same network (by sz-nn's tuner's own probe).
    public func recordEvaluations(_ count: Int) { evaluations += count }

    /// The validation top-1 drop in percentage points with `weights`.
    public func validationDrop(of weights: [String: [Float]]) throws -> Double {
        (baselineValidation - (try validationAccuracy(of: weights))) * 100
    }

    /// Test top-1 with `weights`: reported beside a result, never searched on.
    public func testAccuracy(of weights: [String: [Float]]) throws -> Double {
        try accuracy(of: weights, on: test)
    }

    private func accuracy(of weights: [String: [Float]], on dataset: Dataset) throws -> Double {
        defer { for tensor in tensors where weights[tensor.name] != nil { try? network.setValues(tensor.values, for: tensor.name) } }
        for (name, values) in weights { try network.setValues(values, for: name) }
        return try network.accuracy(on: dataset)
    }
}
