import Foundation

/// The glue that runs the pipeline over a whole model, in both directions.
public enum ModelCodec {
    /// Compresses every tensor of `model` as `plan` says, with `backend` (and its lossless mode).
    ///
    /// `choosePredictor`, when given, picks the predictor of every tensor whose rule names
    /// none (`--predictor auto`), e.g. through `PredictorSelection`. A model that `.sznn` v1
    /// cannot hold (`FormatLimits`) fails with E106 before any tensor is coded.
    ///
    /// With `base`, every error-bounded tensor that has a base tensor of the same name, dtype and
    /// shape is coded as a delta against it (its bound still holds for `model`'s values); tensors
    /// added, lossless or reshaped are coded standalone. The container then records the digest of
    /// the base tensors used, and is written as version 3; with no delta it is a v1/v2 file.
    ///
    /// With `standaloneFallback`, every delta is coded standalone as well and the smaller record
    /// kept: a tensor that changed wholesale (a re-initialised head of the same shape) codes
    /// smaller on its own than as its difference from the base. The bound holds either way, but
    /// the two reconstructions differ, so a caller whose accuracy was measured on the delta's
    /// reconstruction (the tuner) turns it off.
    public static func compress(_ model: Model, plan: CompressionPlan, backend: any EntropyBackend,
                                metadata: [String: Any] = [:], base: Model? = nil, standaloneFallback: Bool = true,
                                choosePredictor: ((Tensor, TensorSettings) throws -> PredictorKind)? = nil,
                                progress: (Int, Int) -> Void = { _, _ in }) throws -> Container {
        var fullMetadata = metadata
        fullMetadata["model_metadata"] = model.metadata
        try FormatLimits.check(tensorCount: model.tensors.count)
        for tensor in model.tensors { try FormatLimits.check(name: tensor.name, shape: tensor.shape) }
        try FormatLimits.check(metadataBytes: try ContainerEncoder.metadataJSON(fullMetadata).count)

        let baseTensors = model.tensors.map { tensor in
            base?[tensor.name].flatMap { $0.dtype == tensor.dtype && $0.shape == tensor.shape ? $0 : nil }
        }
        progress(0, model.tensors.count)
        var coded = try records(model.tensors, baseTensors: baseTensors, plan: plan, backend: backend,
                                choosePredictor: choosePredictor, progress: progress)
        let deltas = coded.indices.filter { coded[$0].storage == .delta }
        if standaloneFallback && !deltas.isEmpty {
            let standalone = try records(deltas.map { model.tensors[$0] }, baseTensors: deltas.map { _ in nil }, plan: plan,
                                         backend: backend, choosePredictor: choosePredictor, progress: { _, _ in })
            for (record, position) in zip(standalone, deltas)
            where ContainerEncoder.encodeRecord(record).count < ContainerEncoder.encodeRecord(coded[position]).count {
                coded[position] = record
            }
        }
        let usedBase = coded.indices.compactMap { coded[$0].storage == .delta ? baseTensors[$0] : nil }
        return Container(metadata: fullMetadata, records: coded, graph: model.graph,
                         base: usedBase.isEmpty ? nil : BaseReference(covering: usedBase))
    }

    /// The records of `tensors` (in order), each coded as `plan` says; `baseTensors[i]`, when
    /// given, is the base `tensors[i]` is coded against. Both the in-memory and the streaming
    /// compressor code through it, so the two write the same bytes.
    ///
    /// `progress` gets (tensors of `tensors` finished, `tensors.count`).
    static func records(_ tensors: [Tensor], baseTensors: [Tensor?], plan: CompressionPlan, backend: any EntropyBackend,
                        choosePredictor: ((Tensor, TensorSettings) throws -> PredictorKind)?,
                        progress: (Int, Int) -> Void) throws -> [TensorRecord] {
        // Settings (and predictor choice) per tensor, then every (tensor, chunk) pair as one job:
        // a model of many small tensors uses every core, not one tensor's single chunk at a time.
        let settings = try ParallelMap.map(tensors.count) { position -> TensorSettings? in
            let tensor = tensors[position]
            guard var settings = try plan.settings(for: tensor), tensor.dtype.isFloatingPoint, !settings.bounds.isLossless else { return nil }
            // A delta's prediction is its base, so no predictor is chosen for it.
            if let choosePredictor, baseTensors[position] == nil, plan.rule(for: tensor.name).predictor == nil {
                settings.predictor = try choosePredictor(tensor, settings)
            }
            return settings
        }
        let plans = try tensors.indices.map { position in
            try settings[position].map { try TensorEncoder.ChunkPlan(tensors[position], settings: $0, base: baseTensors[position]) }
        }
        // (tensor, chunk) jobs, largest first so that the last jobs to finish are short; chunk -1 is a lossless tensor.
        var jobs: [(tensor: Int, chunk: Int)] = []
        for (position, plan) in plans.enumerated() {
            if let plan { jobs += plan.ranges.indices.map { (position, $0) } } else { jobs.append((position, -1)) }
        }
        jobs.sort { tensors[$0.tensor].bytes.count > tensors[$1.tensor].bytes.count }
        enum Coded { case lossless(TensorRecord), chunk(TensorEncoder.CodedChunk) }
        let coded = try withoutActuallyEscaping(progress) { progress in
            let reporter = ProgressReporter(jobsPerTensor: plans.map { $0?.ranges.count ?? 1 }, progress)
            return try ParallelMap.map(jobs.count) { job -> Coded in
            let (position, chunk) = jobs[job]
            defer { reporter.finished(tensor: position) }
            let tensor = tensors[position]
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
        return tensors.indices.map { position in
            guard let settings = settings[position], let plan = plans[position] else { return lossless[position]! }
            return TensorEncoder.record(tensors[position], settings: settings, plan: plan,
                                        chunks: chunks[position].map { $0! }, backend: backend)
        }
    }

    /// Decompresses every record of `container`, after checking that all of them fit in `budget`.
    ///
    /// An update file (one with a base reference) needs `base`, the model it was coded against:
    /// E701 without it, E702 unless the base tensors its delta records name hash to its digest.
    /// A standalone file ignores `base`.
    public static func decompress(_ container: Container, backends: [BackendIdentifier: any EntropyBackend],
                                  budget: DecodeBudget = .unlimited, fileName: String = "container", base: Model? = nil) throws -> Model {
        try budget.check(container, fileName: fileName)
        let baseTensors = try checkedBase(container, base: base, fileName: fileName)
        // Records in parallel (and each record's chunks within it), so small tensors use every core too.
        let tensors = try ParallelMap.map(container.records.count) { position in
            let record = container.records[position]
            return try TensorDecoder.decode(record, backends: backends, base: record.storage == .delta ? baseTensors[record.name] : nil)
        }
        return Model(tensors: tensors, metadata: modelMetadata(container.metadata), graph: container.graph)
    }
}

extension ModelCodec {
    /// The base tensors `container`'s delta records name, once their digest matches the file's base block.
    static func checkedBase(_ container: Container, base: Model?, fileName: String) throws -> [String: Tensor] {
        guard let reference = container.base else { return [:] }
        guard let base else { throw missingBase(reference, fileName: fileName) }
        var used: [String: Tensor] = [:]
        for record in container.records where record.storage == .delta {
            guard let tensor = base[record.name] else {
                throw SZNNError(.baseMismatch, "\(fileName): the base has no tensor '\(record.name)', which the update is coded against",
                                hint: "pass the base model the update was made from")
            }
            used[record.name] = tensor
        }
        guard BaseReference.digest(of: Array(used.values)) == reference.digest else {
            throw SZNNError(.baseMismatch, "\(fileName) was coded against another base: the base tensors it uses do not match its SHA-256 \(reference.hexDigest.prefix(16))…",
                            hint: "pass the base model the update was made from (a base .sznn decodes to the same weights as its safetensors)")
        }
        return used
    }

    /// E701: `fileName` is an update coded against `reference`, and no base was given.
    static func missingBase(_ reference: BaseReference, fileName: String) -> SZNNError {
        SZNNError(.baseMissing, "\(fileName) is an update coded against a base model (SHA-256 \(reference.hexDigest.prefix(16))…), and no base was given",
                  hint: "pass the base it was made from with --base (a chain: every file in order, --base BASE --base UPDATE1 …)")
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
