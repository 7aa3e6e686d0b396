/// A named tensor owned by a layer: a trainable weight (with its gradient) or a buffer.
///
/// Names follow PyTorch (`conv1.weight` O×I×kH×kW, `fc1.weight` out×in, `bn1.running_mean`).
/// Buffers (`isTrainable == false`, e.g. BatchNorm running statistics) are saved and loaded
/// with the weights but receive no gradient and are never touched by an optimizer.
/// Values change only through the engine (optimizers, `Network.setValues`), which keeps
/// `values.count == shape.reduce(1, *)`.
public final class Parameter {
    public let name: String
    public let shape: [Int]
    public let isTrainable: Bool
    /// The current values, row-major.
    public internal(set) var values: [Float]
    /// d(mean loss)/d(values) from the most recent backward pass; zeros for buffers.
    public internal(set) var gradient: [Float]

    init(name: String, shape: [Int], values: [Float], isTrainable: Bool) {
        assert(shape.reduce(1, *) == values.count)
        self.name = name
        self.shape = shape
        self.isTrainable = isTrainable
        self.values = values
        self.gradient = [Float](repeating: 0, count: isTrainable ? values.count : 0)
    }

    /// Number of elements.
    public var count: Int { values.count }
}
