import Foundation
import SZNNBaselines
import SZNNCABAC
import SZNNCore
import SZNNEngine
import SZNNTuner
import SZNNWorkflow
import SZNNZstd

/// `sz-nn compare`: loads the model and MNIST once, builds the methods, runs them per target, reports.
///
/// The methods keep what does not depend on the target (profiles, factorizations, rate
/// models), so a `--sweep` after the main target costs only the target-dependent searches.
struct CompareRun {
    let subject: ComparisonSubject
    let comparison: Comparison
    let architectureName: String
    let weightsName: String
    /// What the accuracies were measured on.
    let data: DataDescription

    init(architectureURL: URL, weightsURL: URL, data dataOptions: DataOptions, methods: [MethodName], tuningSteps: Int, learnEpochs: Int,
         seed: UInt64) throws {
        // The network's seed drives only its dropout masks, which only the learn-error-bounds row
        // uses (in training mode): the configuration's training seed, as `train` does, makes that
        // row the same as `train --learn-error-bounds` from the same weights.
        let configuration = ModelLoader.carriesGraph(architectureURL) ? nil
            : try EngineBridge.translatingErrors { try NetworkConfiguration.load(from: architectureURL) }
        let training = try TrainingSettings.configured(configuration?.training, phase: .compressionAware)
        // Read once: the network's weights, and what the tuner rows code as `compress` would.
        let sourceBytes = try ModelLoader.readBytes(weightsURL)
        let sourceModel = ModelLoader.isContainer(weightsURL) ? try EngineBridge.loadModel(at: weightsURL)
            : try ModelFile.decode(sourceBytes, from: weightsURL)
        let network = try EngineBridge.network(architecture: architectureURL, weights: sourceModel,
                                               weightsName: weightsURL.lastPathComponent, seed: training.seed)
        let examples = try dataOptions.labelled(for: network)
        data = examples.description
        Terminal.progress("evaluating the uncompressed model")
        subject = try EngineBridge.translatingErrors { try ComparisonSubject(network: network, validation: examples.validation, test: examples.test) }
        subject.progress = Terminal.progress
        subject.source = (weightsURL, sourceBytes, sourceModel, architectureURL.lastPathComponent)
        let cabac = try CABACBackend()
        let oracle = Backends.tensorRateFunction(of: cabac)
        comparison = Comparison(subject: subject, methods: try methods.map { name -> any CompressionMethod in
            switch name {
            case .prune: PruningMethod()
            case .int8: try UniformQuantizationMethod(bits: 8, backend: cabac)
            case .int4: try UniformQuantizationMethod(bits: 4, backend: cabac)
            case .kmeans: WeightSharingMethod()
            case .svd: LowRankMethod()
            case .globalBoundCABAC: GlobalBoundMethod(backend: cabac)
            case .globalBoundZstd: GlobalBoundMethod(backend: try ZstdBackend())
            case .deepsz: DeepSZMethod(backend: cabac)
            case .fisher: TunerMethod(method: .fisher, training: examples.training, backend: cabac, oracle: oracle, steps: tuningSteps, seed: seed)
            case .gradient: TunerMethod(method: .gradient, training: examples.training, backend: cabac, oracle: oracle, steps: tuningSteps, seed: seed)
            case .learnErrorBounds: try CompareRun.learnedBounds(settings: training, configurationName: architectureURL.lastPathComponent,
                                                                 training: examples.training, epochs: learnEpochs, backend: cabac, oracle: oracle)
            }
        })
        architectureName = network.name
        weightsName = weightsURL.lastPathComponent
    }

    /// `train --learn-error-bounds` as a method, with the settings `train` would use from the configuration.
    static func learnedBounds(settings configured: TrainingSettings, configurationName: String, training: Dataset, epochs: Int,
                              backend: any EntropyBackend, oracle: @escaping RateOracle) throws -> LearnedBoundsMethod {
        var settings = configured
        settings.epochs = epochs
        try settings.validate(configurationName: configurationName)
        var options = CompressionAwareOptions(targetAccuracyLoss: 0)
        options.epochs = settings.epochs
        options.batchSize = settings.batchSize
        options.seed = settings.seed
        return LearnedBoundsMethod(training: training, makeOptimizer: settings.makeOptimizer, options: options,
                                   backend: backend, oracle: oracle, description: settings.summary)
    }

    /// Every method's verified row at `target`, best ratio first.
    func run(target: Double) throws -> (rows: [ComparisonRow], failures: [(method: MethodName, reason: String)]) {
        try EngineBridge.translatingErrors { try comparison.run(target: target) }
    }

    /// The table, the uncompressed accuracies, each row's chosen setting, and what could not run.
    func text(main: (rows: [ComparisonRow], failures: [(method: MethodName, reason: String)]), target: Double) -> String {
        var table = TextTable(["method", "bytes", "ratio", "bits/weight", "val top-1", "test top-1", "val loss pp", "met", "seconds", "evals"])
        for row in main.rows {
            table.add([row.method.rawValue, "\(row.bytes)", Format.number(row.ratio) + "×", Format.number(row.bitsPerWeight, digits: 3),
                       String(format: "%.2f%%", row.validationAccuracy * 100), String(format: "%.2f%%", row.testAccuracy * 100),
                       Format.number(row.validationLoss), row.metTarget ? "yes" : "no", Format.number(row.seconds, digits: 1), "\(row.evaluations)"])
        }
        var lines = [
            "\(architectureName) (\(weightsName)): \(subject.originalBytes) bytes of float32 parameters, \(subject.weightCount) weights",
            String(format: "uncompressed top-1: validation %.2f%%, test %.2f%%; ", subject.baselineValidation * 100, subject.baselineTest * 100)
                + "target: validation loss <= \(Format.number(target)) pp",
        ] + data.summaryLines + [
            "",
            table.render(),
            "",
        ]
        lines += main.rows.map { "\($0.method.rawValue): \($0.setting)" }
        lines += main.failures.map { "\($0.method.rawValue): not run to the end — \($0.reason)" }
        return lines.joined(separator: "\n")
    }

    /// The same as JSON, with the sweep's rows when there are any.
    func json(main: (rows: [ComparisonRow], failures: [(method: MethodName, reason: String)]), target: Double, swept: [ComparisonRow]) -> [String: Any] {
        var object: [String: Any] = [
            "architecture": architectureName, "weights": weightsName, "original_bytes": subject.originalBytes,
            "weights_count": subject.weightCount, "target_acc_loss": target,
            "uncompressed": ["validation": subject.baselineValidation, "test": subject.baselineTest],
            "rows": main.rows.map(CompareRun.json), "data": data.jsonObject,
            "failures": main.failures.map { ["method": $0.method.rawValue, "reason": $0.reason] },
        ]
        if !swept.isEmpty { object["sweep"] = swept.map(CompareRun.json) }
        return object
    }

    static func json(_ row: ComparisonRow) -> [String: Any] {
        ["method": row.method.rawValue, "target_acc_loss": row.target, "bytes": row.bytes, "ratio": row.ratio,
         "bits_per_weight": row.bitsPerWeight, "validation": row.validationAccuracy, "test": row.testAccuracy,
         "validation_loss_pp": row.validationLoss, "test_loss_pp": row.testLoss, "met_target": row.metTarget,
         "seconds": row.seconds, "evaluations": row.evaluations, "setting": row.setting]
    }
}
