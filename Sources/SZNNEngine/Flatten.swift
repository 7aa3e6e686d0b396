/// Reshapes `[N, C, H, W]` to `[N, C·H·W]` (row-major, so PyTorch's flatten order).
public final class Flatten: Layer {
    public let name: String
    private let inputShape: [Int]

    init(name: String, inputShape: [Int]) {
        self.name = name
        self.inputShape = inputShape
    }

    public var outputShape: [Int] { [inputShape.reduce(1, *)] }
    public var parameters: [Parameter] { [] }

    public func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor {
        input.reshaped([input.batchSize] + outputShape)
    }

    public func backward(_ outputGradient: FloatTensor) -> FloatTensor {
        outputGradient.reshaped([outputGradient.batchSize] + inputShape)
    }
}
