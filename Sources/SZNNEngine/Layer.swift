/// Whether a forward pass trains (batch statistics, dropout) or infers (running statistics).
public enum ForwardMode: Sendable {
    case training
    case inference
    /// Inference with no backward to follow, so layers may skip what only a backward needs.
    case prediction
}

/// One stage of a sequential network, micrograd style: `forward`, `backward`, `parameters`.
///
/// A layer is built for a fixed per-sample input shape (without the batch dimension) and
/// caches what `backward` needs during `forward`. `backward` must follow the `forward` of
/// the same batch: it writes (does not accumulate) the gradients of its parameters and
/// returns the gradient with respect to the layer's input.
public protocol Layer: AnyObject {
    /// The layer's name, the prefix of its parameters' names (`conv1`, `fc2`, `relu3`).
    var name: String { get }
    /// The per-sample output shape, e.g. `[20, 24, 24]` or `[500]`.
    var outputShape: [Int] { get }
    /// Weights first, then buffers, in PyTorch's order (`weight`, `bias`, `running_mean`, `running_var`).
    var parameters: [Parameter] { get }
    /// Computes the output for a batch `[N] + inputShape`.
    func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor
    /// Given d(loss)/d(output), sets parameter gradients and returns d(loss)/d(input).
    func backward(_ outputGradient: FloatTensor) -> FloatTensor
}
