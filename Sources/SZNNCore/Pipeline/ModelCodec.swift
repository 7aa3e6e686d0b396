import Foundation

/// The glue that runs the pipeline over a whole model, in both directions.
public enum ModelCodec {
    /// Compresses every tensor of `model` as `plan` says, with `backend` (and its lossless mode).
    ///
    /// `choosePredictor`, when given, picks the predictor of every tensor whose rule names
    /// none (`--predictor auto`), e.g. through `PredictorSelection`. A model that `.sznn` v1
    /// cannot hold (`FormatLimits`) fails with E106 before any tensor is coded.
    public static func compress(_ model: Model, plan: CompressionPlan, backend: any EntropyBackend,
                                metadata: [String: Any] = [:],
                                choosePredictor: ((Tensor, TensorSettings) throws -> PredictorKind)? = nil,
                                progress: (Int, Int) -> Void = { _, _ in }) throws -> Container {
        var fullMetadata = metadata
        fullMetadata["model_metadata"] = model.metadata
        try FormatLimits.check(tensorCount: model.tensors.count)
        for tensor in model.tensors { try FormatLimits.check(name: tensor.name, shape: tensor.shape) }
        try FormatLimits.check(metadataBytes: try ContainerEncoder.metadataJSON(fullMetadata).count)

        // Settings (and predictor choice) per tensor, then every (tensor, chunk) pair as one job:
        // a model of many small tensors uses every core, not one tensor's single chunk at a time.
        let settings = try ParallelMap.map(model.tensors.count) { position -> TensorSettings? in
            let tensor = model.tensors[position]
            guard var settings = try plan.settings(for: tensor), tensor.dtype.isFloatingPoint, !settings.bounds.isLossless else { return nil }
            if let choosePredictor, plan.rule(for: tensor.name).predictor == nil {
                settings.predictor = try choosePredictor(tensor, settings)
            }
            return settings
        }
        let plans = try zip(model.tensors, settings).map { tensor, settings in
            try settings.map { try TensorEncoder.ChunkPlan(tensor, settings: $0) }
        }
        // (tensor, chunk) jobs, largest first so that the last jobs to finish are short; chunk -1 is a lossless tensor.
        var jobs: [(tensor: Int, chunk: Int)] = []
        for (position, plan) in plans.enumerated() {
            if let plan { jobs += plan.ranges.indices.map { (position, $0) } } else { jobs.append((position, -1)) }
        }
        jobs.sort { model.tensors[$0.tensor].bytes.count > model.tensors[$1.tensor].bytes.count }
        enum Coded { case lossless(TensorRecord), chunk(TensorEncoder.CodedChunk) }
        progress(0, model.tensors.count)
        let coded = try withoutActuallyEscaping(progress) { progress in
            let reporter = ProgressReporter(jobsPerTensor: plans.map { $0?.ranges.count ?? 1 }, progress)
            return try ParallelMap.map(jobs.count) { job -> Coded in
            let (position, chunk) = jobs[job]
            defer { reporter.finished(tensor: position) }
            let tensor = model.tensors[position]
            guard let settings = settings[position], let plan = plans[position] else {
                return .lossless(try TensorEncoder.encodeLossless(tensor, backend: backend))
            }
            return .chunk(try TensorEncoder.codeChunk(tensor, settings: settings, plan: plan, chunk: chunk, backend: backend))
            }
        }
        var lossless: [Int: TensorRecord] = [:]
        var chunks = plans.map { [TensorEncoder.CodedChunk?](repeating: nil, count: $0?.ranges.count ?? 0) }
        for (job, result) in zip(jobs, coded) {
            switch result {
            case .lossless(let record): lossless[job.tensor] = record
            case .chunk(let chunk): chunks[job.tensor][job.chunk] = chunk
            }
        }
        let records = model.tensors.indices.map { position in
            guard let settings = settings[position], let plan = plans[position] else { return lossless[position]! }
            return TensorEncoder.record(model.tensors[position], settings: settings, plan: plan,
                                        chunks: chunks[position].map { $0! }, backend: backend)
        }
        return Container(metadata: fullMetadata, records: records, graph: model.graph)
    }

    /// Decompresses every record of `container`, after checking that all of them fit in `budget`.
    public static func decompress(_ container: Container, backends: [BackendIdentifier: any EntropyBackend],
                                  budget: DecodeBudget = .unlimited, fileName: String = "container") throws -> Model {
        try budget.check(container, fileName: fileName)
        // Records in parallel (and each record's chunks within it), so small tensors use every core too.
        let tensors = try ParallelMap.map(container.records.count) { try TensorDecoder.decode(container.records[$0], backends: backends) }
        let metadata = container.metadata["model_metadata"] as? [String: String] ?? [:]
        return Model(tensors: tensors, metadata: metadata, graph: container.graph)
    }
}

/// Reports (tensors finished, tensors) each time a tensor's last job ends, serialized, from
/// whichever worker ended it.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: [Int]
    private var done = 0
    private let progress: (Int, Int) -> Void

    init(jobsPerTensor: [Int], _ progress: @escaping (Int, Int) -> Void) {
        remaining = jobsPerTensor
        self.progress = progress
    }

    func finished(tensor: Int) {
        lock.lock()
        defer { lock.unlock() }
        remaining[tensor] -= 1
        guard remaining[tensor] == 0 else { return }
        done += 1
        progress(done, remaining.count)
    }
}
