import Foundation
import SZNNCore
import SZNNWorkflow
import SZNNEngine
import SZNNTuner

/// `compress --target-acc-loss`: learn one bound per tensor, compress, verify, report.
///
/// The output is written only after the compressed bytes have been decompressed in memory
/// and evaluated: the validation drop it reports is measured on exactly what is written.
struct TuningRun {
    let weightsURL: URL
    /// The architecture (.json or .onnx); nil when the weights carry their graph (an .onnx INPUT).
    let architectureURL: URL?
    let data: DataOptions
    let outputURL: URL
    let options: TuningOptions
    let backend: any EntropyBackend
    /// Whether slices (dense input columns, conv output channels) get their own bounds.
    let sliceBounds: Bool
    /// The user's rules (`--config`, `--lossless-below`) without a default bound: what they make
    /// lossless or pin is kept, everything else trainable is tuned.
    let plan: CompressionPlan

    /// What the run measured, for the text and JSON reports.
    struct Report {
        let container: Container
        let fileBytes: Int
        let bounds: [String: Double]
        let original: (validation: Double, test: Double)
        /// What the accuracies were measured on.
        let data: DataDescription
        let compressed: (validation: Double, test: Double)
        let evaluations: Int
        let seconds: Double
        /// The held-out confirmation of a run with a confidence level.
        let confirmation: Confirmation?
    }

    func run() throws -> Report {
        try OutputPath.checkWritable(outputURL.path)
        let started = Date()
        let sourceBytes = try ModelLoader.readBytes(weightsURL)
        var model = try ModelFile.decode(sourceBytes, from: weightsURL)
        let network = try EngineBridge.network(architecture: architectureURL, weights: model, weightsName: weightsURL.lastPathComponent)
        // An ONNX --model's graph goes into the .sznn, so that it decompresses to a runnable .onnx.
        if model.graph == nil, let architectureURL, architectureURL.pathExtension.lowercased() == "onnx" {
            model.graph = try ModelFile.read(from: architectureURL).graph
        }
        let examples = try data.labelled(for: network)

        // Trainable float tensors are tuned unless the plan keeps them; buffers (BatchNorm statistics) stay lossless.
        let names = TunedTensorSelection.names(of: model, trainable: Set(network.trainableParameters.map(\.name)), plan: plan)
        Terminal.progress("measuring squared gradients (Fisher)")
        let squares = try EngineBridge.translatingErrors {
            try FisherAllocation.squaredGradients(network: network, names: names, training: examples.training, seed: options.seed)
        }
        let tensors = try TunedTensorSelection.measure(model, names: names, oracle: Backends.tensorRateFunction(of: backend), slices: { tensor in
            guard sliceBounds, let axis = FisherAllocation.sliceAxis(shape: tensor.shape), let square = squares[tensor.name] else { return nil }
            return (axis, FisherAllocation.sliceFactors(squares: square, shape: tensor.shape, axis: axis))
        }, progress: Terminal.progress)
        let tuner = try EngineBridge.translatingErrors {
            try AccuracyTargetTuner(network: network, training: examples.training, validation: examples.validation, tensors: tensors,
                                    fisherSquares: squares, options: options)
        }
        let outcome = try TuningRun.tune(tuner)
        let originalTest = try EngineBridge.translatingErrors { try network.accuracy(on: examples.test) }
        var settings: [String: Any] = ["target_acc_loss": options.targetAccuracyLoss, "tuner": options.method.rawValue,
                                       "backend": backend.identifier.name, "architecture": (architectureURL ?? weightsURL).lastPathComponent]
        if let confidence = options.confidence { settings["confidence"] = confidence }
        let output = VerifiedOutput(network: network, data: examples, backend: backend, plan: plan, outputURL: outputURL,
                                    targetAccuracyLoss: options.targetAccuracyLoss)
        return try output.write(model, tensors: tensors, outcome: outcome, originalTest: originalTest, started: started,
                                metadata: VerifiedOutput.metadata(source: weightsURL, sourceBytes: sourceBytes, settings: settings),
                                extraEvaluations: 0)
    }

    /// Runs `tuner` with a progress line.
    static func tune(_ tuner: AccuracyTargetTuner) throws -> TuningOutcome {
        let started = Date()
        return try EngineBridge.translatingErrors {
            try tuner.run { state in
                let drop = state.lastDrop.map { String(format: "%.2f pp", $0) } ?? "-"
                Terminal.progress("tuning [\(state.phase)] step \(state.step)/\(state.totalSteps)  est. \(Format.bytes(Int(state.estimatedBits / 8)))  last drop \(drop)  "
                                  + Format.eta(started: started, done: state.step, total: state.totalSteps))
            }
        }
    }
}

extension TuningRun.Report {
    /// Prints the report to standard output: the text form, or JSON with `json`.
    func print(target: Double, output: String, json: Bool) throws {
        if json {
            var object = self.json(target: target)
            object["output"] = output
            try Terminal.printJSON(object)
        } else {
            Swift.print(text(target: target))
            Swift.print("wrote \(output)")
        }
    }

    /// The per-layer table, sizes, accuracies and time.
    func text(target: Double) -> String {
        var table = TextTable(["tensor", "parameters", "learned bound", "predictor", "bits/weight", "ratio"])
        for record in container.records {
            let bits = record.elementCount == 0 ? 0 : Double(record.payload.count * 8) / Double(record.elementCount)
            table.add([record.name, "\(record.elementCount)", record.bounds.map { Format.bound($0.maximum) } ?? "lossless",
                       record.storage == .lossless ? "-" : record.predictor.name, Format.number(bits, digits: 3),
                       Format.number(Double(record.originalByteCount) / Double(max(record.payload.count, 1))) + "×"])
        }
        let originalBytes = container.records.reduce(0) { $0 + $1.originalByteCount }
        let lines = [
            table.render(),
            "total: \(Format.bytes(fileBytes)) from \(Format.bytes(originalBytes)) of weights: \(Format.number(Double(originalBytes) / Double(max(fileBytes, 1))))×",
            String(format: "top-1 validation: %.2f%% → %.2f%% (drop %.2f pp, target %.2f pp)", original.validation * 100, compressed.validation * 100,
                   (original.validation - compressed.validation) * 100, target),
            String(format: "top-1 test:       %.2f%% → %.2f%% (drop %.2f pp, reported, not tuned on)", original.test * 100, compressed.test * 100,
                   (original.test - compressed.test) * 100),
            String(format: "%d validation evaluations, %.1f s", evaluations, seconds),
        ] + (confirmation.map { ["promise: " + $0.summary] } ?? []) + data.summaryLines
        return lines.joined(separator: "\n")
    }

    /// The same as a JSON object.
    func json(target: Double) -> [String: Any] {
        let originalBytes = container.records.reduce(0) { $0 + $1.originalByteCount }
        return [
            "tensors": container.records.map { record -> [String: Any] in
                ["name": record.name, "parameters": record.elementCount, "bytes": record.payload.count,
                 "error_bound": record.bounds?.maximum ?? 0, "lossless": record.storage == .lossless,
                 "predictor": record.predictor.name]
            },
            "file_bytes": fileBytes, "original_bytes": originalBytes,
            "graph_bytes": ContainerEncoder.graphBlockByteCount(container.graph), "ratio": Double(originalBytes) / Double(max(fileBytes, 1)),
            "target_acc_loss": target,
            "validation": ["original": original.validation, "compressed": compressed.validation],
            "test": ["original": original.test, "compressed": compressed.test],
            "evaluations": evaluations, "seconds": seconds, "data": data.jsonObject,
            "confirmation": confirmation.map { confirmation -> Any in
                ["confidence": confirmation.confidence, "images": confirmation.drop.images, "lost": confirmation.drop.lost,
                 "gained": confirmation.drop.gained, "observed_drop_pp": confirmation.drop.observed,
                 "upper_bound_drop_pp": confirmation.upperBound, "bound_scale": confirmation.scale,
                 "estimated_size_cost_fraction": confirmation.confirmedBits / max(confirmation.searchedBits, 1) - 1]
            } ?? NSNull(),
        ]
    }
}
