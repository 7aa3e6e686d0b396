import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner
import SZNNWorkflow

/// sz-nn's own tuner (`AccuracyTargetTuner`, Fisher or gradient), set up as `compress --target-acc-loss` does.
///
/// Every trainable tensor gets a bound; the rate models come from `oracle` and the squared
/// gradients from `FisherAllocation`, both measured once and kept for a sweep. The tuned
/// bounds are then coded as a real `.sznn` file, decoded and measured again.
public final class TunerMethod: CompressionMethod {
    public let name: MethodName
    let method: TuningMethod
    let training: Dataset
    let backend: any EntropyBackend
    let oracle: RateOracle
    let steps: Int
    let seed: UInt64
    private var prepared: (tensors: [TunedTensor], squares: [String: [Double]])?
    private var model: Model?

    /// `oracle` counts a tensor's bits at given settings (e.g. the backend's estimator);
    /// `backend` codes the verified file.
    public init(method: TuningMethod, training: Dataset, backend: any EntropyBackend, oracle: @escaping RateOracle,
                steps: Int = 240, seed: UInt64 = 0) {
        self.name = method == .fisher ? .fisher : .gradient
        self.method = method
        self.training = training
        self.backend = backend
        self.oracle = oracle
        self.steps = steps
        self.seed = seed
    }

    public func search(target: Double, subject: ComparisonSubject) throws -> Candidate {
        let model = try self.model ?? subject.model()
        self.model = model
        let (tensors, squares) = try prepared ?? prepare(subject)
        prepared = (tensors, squares)
        var options = TuningOptions(targetAccuracyLoss: target)
        options.method = method
        options.steps = steps
        options.seed = seed
        options.baselineAccuracy = subject.baselineValidation
        let tuner = try AccuracyTargetTuner(network: subject.network, training: training, validation: subject.validation,
                                            tensors: tensors, fisherSquares: squares, options: options)
        let outcome = try tuner.run { state in
            subject.progress("\(self.name.rawValue): [\(state.phase)] step \(state.step)/\(state.totalSteps)")
        }
        subject.recordEvaluations(outcome.evaluations)
        let settings = VerifiedCompression.tuningSettings(target: target, tuner: method.rawValue, backend: backend,
                                                          architecture: subject.source?.architectureName ?? subject.network.name)
        let (bytes, weights) = try CodecRoundTrip.tunedFile(subject, model: model, tensors: tensors, bounds: outcome.bounds,
                                                            backend: backend, settings: settings)
        let described = zip(tensors, outcome.bounds).map { "\($0.name) \(String(format: "%.3g", $1))" }.joined(separator: ", ")
        return Candidate(bytes: bytes, weights: weights, validationAccuracy: try subject.validationAccuracy(of: weights), setting: described)
    }

    /// The tuned tensors (rate models measured with `oracle`) and their squared gradients.
    func prepare(_ subject: ComparisonSubject) throws -> (tensors: [TunedTensor], squares: [String: [Double]]) {
        let tensors = try subject.tunedTensors(oracle: oracle, method: name)
        subject.progress("\(name.rawValue): measuring squared gradients")
        let squares = try FisherAllocation.squaredGradients(network: subject.network, names: tensors.map(\.name), training: training, seed: seed)
        return (tensors, squares)
    }
}

extension ComparisonSubject {
    /// What sz-nn's tuners put a bound on, as `compress --target-acc-loss` chooses it by default
    /// (`TunedTensorSelection`): trainable tensors of at least 256 elements; biases, other tiny
    /// tensors and BatchNorm's running statistics stay exact. Rate models measured by `oracle`.
    func tunedTensors(oracle: @escaping RateOracle, method: MethodName) throws -> [TunedTensor] {
        let model = try model()
        let names = TunedTensorSelection.names(of: model, trainable: Set(network.trainableParameters.map(\.name)),
                                               plan: CompressionPlan(defaultRule: .init()))
        return try TunedTensorSelection.measure(model, names: names, oracle: oracle, progress: { progress("\(method.rawValue): \($0)") })
    }
}
