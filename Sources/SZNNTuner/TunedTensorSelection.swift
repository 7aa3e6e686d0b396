import Foundation
import SZNNCore

/// Chooses the tensors the tuner learns bounds for and measures their rate models.
///
/// The one selection behind `compress --target-acc-loss`, `train --learn-error-bounds` and the
/// tuner rows of `compare`, so a compare row tunes exactly what the command tunes.
public enum TunedTensorSelection {
    /// The tensors of `model`, in file order, that are trainable in the network (`trainable`
    /// names) and whose bound `plan` leaves to the tuner. The others keep the plan's coding:
    /// lossless for tiny tensors and buffers, a fixed bound where a rule gives one.
    public static func names(of model: Model, trainable: Set<String>, plan: CompressionPlan) -> [String] {
        model.tensors.filter { trainable.contains($0.name) && plan.leavesBoundToTuner($0) }.map(\.name)
    }

    /// The named tensors of `model` with their rate models measured by `oracle`; `slices` gives a
    /// tensor's slice axis and factors (nil for one bound); `progress` hears one line per tensor.
    /// With `base`, a tensor that `ModelCodec.compress` will code as a delta against it (same name,
    /// dtype and shape) is measured and reconstructed as that delta.
    public static func measure(_ model: Model, names: [String], oracle: @escaping RateOracle,
                               slices: (Tensor) -> (axis: Int, factors: [Double])? = { _ in nil }, base: Model? = nil,
                               progress: (String) -> Void = { _ in }) throws -> [TunedTensor] {
        let wanted = Set(names)
        var tensors: [TunedTensor] = []
        for tensor in model.tensors where wanted.contains(tensor.name) {
            progress("measuring the rate of \(tensor.name) (\(tensors.count + 1)/\(names.count))")
            guard let values = tensor.floatValues() else { continue }
            let slice = slices(tensor)
            let baseValues = base?[tensor.name].flatMap { $0.dtype == tensor.dtype && $0.shape == tensor.shape ? $0.floatValues() : nil }
            tensors.append(try TunedTensor(name: tensor.name, shape: tensor.shape, values: values, sliceAxis: slice?.axis,
                                           sliceFactors: slice?.factors ?? [], base: baseValues, oracle: oracle))
        }
        return tensors
    }
}
