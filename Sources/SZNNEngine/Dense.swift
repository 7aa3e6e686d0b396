/// A fully connected layer: y = x · Wᵀ + b, with W stored out×in as in PyTorch.
public final class Dense: Layer {
    public let name: String
    public let inputFeatures: Int
    public let outputFeatures: Int
    public let weight: Parameter
    public let bias: Parameter
    private var cachedInput: FloatTensor?
    /// False for a network's first layer, whose input gradient nobody needs: `backward` then
    /// skips that GEMM and returns an empty tensor.
    var computesInputGradient = true

    /// Creates the layer with seeded weights and zero bias.
    public init(name: String, inputFeatures: Int, outputFeatures: Int,
                initialization: WeightInitialization, generator: inout RandomGenerator) {
        self.name = name
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        weight = Parameter(
            name: "\(name).weight", shape: [outputFeatures, inputFeatures],
            values: initialization.values(count: outputFeatures * inputFeatures, fanIn: inputFeatures,
                                          fanOut: outputFeatures, generator: &generator),
            isTrainable: true)
        bias = Parameter(name: "\(name).bias", shape: [outputFeatures],
                         values: [Float](repeating: 0, count: outputFeatures), isTrainable: true)
    }

    public var outputShape: [Int] { [outputFeatures] }
    public var parameters: [Parameter] { [weight, bias] }

    public func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor {
        let batch = input.batchSize
        cachedInput = input
        var output = [Float](repeating: 0, count: batch * outputFeatures)
        output.withUnsafeMutableBufferPointer { out in
            bias.values.withUnsafeBufferPointer { biasValues in
                for row in 0..<batch {
                    for column in 0..<outputFeatures { out[row * outputFeatures + column] = biasValues[column] }
                }
            }
            input.values.withUnsafeBufferPointer { x in
                weight.values.withUnsafeBufferPointer { w in
                    BLAS.gemm(transposeA: false, transposeB: true, m: batch, n: outputFeatures, k: inputFeatures,
                              a: x, lda: inputFeatures, b: w, ldb: inputFeatures,
                              beta: 1, c: out, ldc: outputFeatures)
                }
            }
        }
        return FloatTensor(computedShape: [batch, outputFeatures], values: output)
    }

    public func backward(_ outputGradient: FloatTensor) -> FloatTensor {
        guard let input = cachedInput else { preconditionFailure("Dense.backward before forward") }
        let batch = input.batchSize
        var inputGradient = [Float](repeating: 0, count: computesInputGradient ? batch * inputFeatures : 0)
        outputGradient.values.withUnsafeBufferPointer { dy in
            input.values.withUnsafeBufferPointer { x in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(transposeA: true, transposeB: false, m: outputFeatures, n: inputFeatures, k: batch,
                              a: dy, lda: outputFeatures, b: x, ldb: inputFeatures,
                              beta: 0, c: dw, ldc: inputFeatures)
                }
            }
            bias.gradient.withUnsafeMutableBufferPointer { db in
                for column in 0..<outputFeatures { db[column] = 0 }
                for row in 0..<batch {
                    for column in 0..<outputFeatures { db[column] += dy[row * outputFeatures + column] }
                }
            }
            guard computesInputGradient else { return }
            weight.values.withUnsafeBufferPointer { w in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    BLAS.gemm(transposeA: false, transposeB: false, m: batch, n: inputFeatures, k: outputFeatures,
                              a: dy, lda: outputFeatures, b: w, ldb: inputFeatures,
                              beta: 0, c: dx, ldc: inputFeatures)
                }
            }
        }
        return computesInputGradient ? FloatTensor(computedShape: input.shape, values: inputGradient)
            : FloatTensor(computedShape: [0], values: [])
    }
}
