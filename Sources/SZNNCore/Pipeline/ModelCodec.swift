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

        var records: [TensorRecord] = []
        for (position, tensor) in model.tensors.enumerated() {
            progress(position, model.tensors.count)
            if var settings = try plan.settings(for: tensor) {
                if let choosePredictor, plan.rule(for: tensor.name).predictor == nil {
                    settings.predictor = try choosePredictor(tensor, settings)
                }
                records.append(try TensorEncoder.encode(tensor, settings: settings, backend: backend))
            } else {
                records.append(try TensorEncoder.encodeLossless(tensor, backend: backend))
            }
        }
        progress(model.tensors.count, model.tensors.count)
        return Container(metadata: fullMetadata, records: records, graph: model.graph)
    }

    /// Decompresses every record of `container`, after checking that all of them fit in `budget`.
    public static func decompress(_ container: Container, backends: [BackendIdentifier: any EntropyBackend],
                                  budget: DecodeBudget = .unlimited, fileName: String = "container") throws -> Model {
        try budget.check(container, fileName: fileName)
        let tensors = try container.records.map { try TensorDecoder.decode($0, backends: backends) }
        let metadata = container.metadata["model_metadata"] as? [String: String] ?? [:]
        return Model(tensors: tensors, metadata: metadata, graph: container.graph)
    }
}
