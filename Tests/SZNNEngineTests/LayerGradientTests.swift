import Testing
@testable import SZNNEngine

/// Every layer's backward pass against central finite differences on tiny seeded inputs.
struct LayerGradientTests {
    @Test func denseGradientsMatchFiniteDifferences() {
        var generator = RandomGenerator(seed: 1)
        let layer = Dense(name: "fc", inputFeatures: 7, outputFeatures: 5, initialization: .glorot, generator: &generator)
        layer.bias.values = (0..<5).map { Float($0) * 0.1 }
        let mismatches = GradientChecking.check(layer, input: GradientChecking.randomTensor([3, 7], seed: 2))
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test(arguments: [(stride: 1, padding: 1), (stride: 2, padding: 0), (stride: 2, padding: 2)])
    func convolutionGradientsMatchFiniteDifferences(stride: Int, padding: Int) {
        var generator = RandomGenerator(seed: 3)
        let geometry = ConvolutionGeometry(channels: 2, height: 6, width: 5, kernelHeight: 3, kernelWidth: 3,
                                           stride: stride, padding: padding)
        let layer = Conv2D(name: "conv", geometry: geometry, outputChannels: 3, initialization: .he, generator: &generator)
        layer.bias.values = [0.1, -0.2, 0.3]
        let mismatches = GradientChecking.check(layer, input: GradientChecking.randomTensor([2, 2, 6, 5], seed: 4))
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func convolutionMatchesDirectComputation() throws {
        var generator = RandomGenerator(seed: 5)
        let geometry = ConvolutionGeometry(channels: 2, height: 4, width: 4, kernelHeight: 3, kernelWidth: 3,
                                           stride: 1, padding: 1)
        let layer = Conv2D(name: "conv", geometry: geometry, outputChannels: 2, initialization: .he, generator: &generator)
        let input = GradientChecking.randomTensor([2, 2, 4, 4], seed: 6)
        let output = layer.forward(input, mode: .inference)
        #expect(output.shape == [2, 2, 4, 4])
        // Output (image 1, channel 1, row 0, column 2) computed by hand from the definition.
        var expected: Float = layer.bias.values[1]
        for channel in 0..<2 {
            for kernelRow in 0..<3 {
                for kernelColumn in 0..<3 {
                    let row = kernelRow - 1, column = 2 + kernelColumn - 1
                    guard row >= 0, row < 4, column >= 0, column < 4 else { continue }
                    expected += layer.weight.values[((1 * 2 + channel) * 3 + kernelRow) * 3 + kernelColumn]
                        * input.values[((1 * 2 + channel) * 4 + row) * 4 + column]
                }
            }
        }
        #expect(abs(output.values[((1 * 2 + 1) * 4 + 0) * 4 + 2] - expected) < 1e-5)
    }

    @Test func maxPoolGradientsMatchFiniteDifferences() {
        let geometry = ConvolutionGeometry(channels: 2, height: 4, width: 6, kernelHeight: 2, kernelWidth: 2,
                                           stride: 2, padding: 0)
        let layer = MaxPool2D(name: "pool", geometry: geometry)
        let mismatches = GradientChecking.check(layer, input: GradientChecking.kinkFreeTensor([2, 2, 4, 6], seed: 7))
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func averagePoolGradientsMatchFiniteDifferences() {
        let geometry = ConvolutionGeometry(channels: 2, height: 5, width: 5, kernelHeight: 3, kernelWidth: 3,
                                           stride: 2, padding: 0)
        let layer = AvgPool2D(name: "pool", geometry: geometry)
        let mismatches = GradientChecking.check(layer, input: GradientChecking.randomTensor([2, 2, 5, 5], seed: 8))
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func reluGradientsMatchFiniteDifferences() {
        let layer = ReLU(name: "relu", shape: [3, 4])
        let mismatches = GradientChecking.check(layer, input: GradientChecking.kinkFreeTensor([2, 3, 4], seed: 9))
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func flattenPassesGradientsThrough() {
        let layer = Flatten(name: "flatten", inputShape: [2, 3, 2])
        let mismatches = GradientChecking.check(layer, input: GradientChecking.randomTensor([2, 2, 3, 2], seed: 10))
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(layer.outputShape == [12])
    }

    @Test func dropoutGradientsMatchFiniteDifferencesWithAFixedMask() {
        let layer = Dropout(name: "dropout", shape: [10], rate: 0.4, seed: 11)
        let mismatches = GradientChecking.check(layer, input: GradientChecking.randomTensor([4, 10], seed: 12),
                                                prepare: { layer.generator = RandomGenerator(seed: 11) })
        #expect(mismatches.isEmpty, "\(mismatches)")
        let inference = layer.forward(GradientChecking.randomTensor([4, 10], seed: 12), mode: .inference)
        #expect(inference == GradientChecking.randomTensor([4, 10], seed: 12))
    }

    @Test(arguments: [ForwardMode.training, ForwardMode.inference])
    func batchNormOnImagesMatchesFiniteDifferences(mode: ForwardMode) {
        let layer = BatchNorm(name: "bn", shape: [3, 2, 2], momentum: 0.1, epsilon: 1e-5)
        layer.weight.values = [1.5, -0.7, 0.9]
        layer.bias.values = [0.2, 0.0, -0.3]
        layer.runningMean.values = [0.1, -0.2, 0.05]
        layer.runningVariance.values = [0.8, 1.3, 0.5]
        let mismatches = GradientChecking.check(layer, input: GradientChecking.randomTensor([4, 3, 2, 2], seed: 13),
                                                mode: mode, step: 1e-2, tolerance: 2e-2)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func batchNormOnVectorsMatchesFiniteDifferencesAndTracksStatistics() {
        let layer = BatchNorm(name: "bn", shape: [4], momentum: 0.5, epsilon: 1e-5)
        layer.weight.values = [1.2, 0.8, -1.1, 0.5]
        let input = GradientChecking.randomTensor([6, 4], seed: 14)
        let mismatches = GradientChecking.check(layer, input: input, tolerance: 2e-2)
        #expect(mismatches.isEmpty, "\(mismatches)")
        // After many training passes on one batch the running mean converges to its mean.
        for _ in 0..<40 { _ = layer.forward(input, mode: .training) }
        let mean = (0..<6).reduce(Float(0)) { $0 + input.values[$1 * 4] } / 6
        #expect(abs(layer.runningMean.values[0] - mean) < 1e-4)
    }

    @Test func softmaxCrossEntropyGradientMatchesFiniteDifferences() {
        let logits = GradientChecking.randomTensor([3, 5], seed: 15)
        let labels = [4, 0, 2]
        let (loss, gradient) = SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: labels)
        #expect(loss > 0)
        let step: Float = 1e-2
        for index in 0..<logits.count {
            var plus = logits, minus = logits
            plus.values[index] += step
            minus.values[index] -= step
            let numerical = (SoftmaxCrossEntropy.lossAndGradient(logits: plus, labels: labels).loss
                - SoftmaxCrossEntropy.lossAndGradient(logits: minus, labels: labels).loss) / (2 * step)
            #expect(abs(numerical - gradient.values[index]) < 1e-3, "logit \(index)")
        }
    }

    @Test func softmaxCrossEntropyIsStableForHugeLogits() throws {
        let logits = try FloatTensor(shape: [1, 3], values: [1000, -1000, 0])
        let (loss, gradient) = SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: [0])
        #expect(loss.isFinite && loss < 1e-6)
        #expect(gradient.values.allSatisfy { $0.isFinite })
    }
}

/// A ReLU whose backward pass is deliberately wrong, to prove the checker can fail.
private final class BrokenReLU: Layer {
    let name = "broken"
    let outputShape: [Int]
    private let relu: ReLU
    init(shape: [Int]) {
        outputShape = shape
        relu = ReLU(name: "relu", shape: shape)
    }
    var parameters: [Parameter] { [] }
    func forward(_ input: FloatTensor, mode: ForwardMode) -> FloatTensor { relu.forward(input, mode: mode) }
    func backward(_ outputGradient: FloatTensor) -> FloatTensor {
        var gradient = relu.backward(outputGradient)
        gradient.values[0] += 0.5
        return gradient
    }
}

struct GradientCheckerTests {
    @Test func theCheckerReportsAWrongGradient() {
        let mismatches = GradientChecking.check(BrokenReLU(shape: [4]),
                                                input: GradientChecking.kinkFreeTensor([2, 4], seed: 1))
        #expect(mismatches.count == 1)
    }

    @Test func firstLayerSkipsItsInputGradientButStillTrains() throws {
        let network = try Network(configuration: NetworkTests.tinyConfiguration, seed: 1)
        let conv = try #require(network.layers.first as? Conv2D)
        #expect(!conv.computesInputGradient)
        let (_, gradients) = try network.lossAndGradients(images: GradientChecking.randomTensor([2, 1, 6, 6], seed: 2),
                                                          labels: [0, 1])
        #expect(gradients["conv1.weight"]?.contains { $0 != 0 } == true)
    }
}

struct ParallelUnfoldingTests {
    @Test func im2colAndCol2imGiveTheSameResultOnOneAndTwoThreads() {
        let geometry = ConvolutionGeometry(channels: 3, height: 12, width: 12, kernelHeight: 3, kernelWidth: 3,
                                           stride: 1, padding: 1)
        let batch = 32
        let input = GradientChecking.randomTensor([batch, 3, 12, 12], seed: 30).values
        func unfoldAndFold(threads: Int) -> ([Float], [Float]) {
            BLAS.setThreadCount(threads)
            var columns = [Float](repeating: .nan, count: geometry.patchSize * batch * geometry.outputPixels)
            var folded = [Float](repeating: 0, count: input.count)
            input.withUnsafeBufferPointer { x in
                columns.withUnsafeMutableBufferPointer { geometry.im2col(x, batch: batch, into: $0) }
            }
            columns.withUnsafeBufferPointer { c in
                folded.withUnsafeMutableBufferPointer { geometry.col2im(c, batch: batch, into: $0) }
            }
            return (columns, folded)
        }
        let serial = unfoldAndFold(threads: 1)
        let parallel = unfoldAndFold(threads: 2)
        #expect(serial.0 == parallel.0)
        #expect(serial.1 == parallel.1)
        // Each interior pixel is covered by all 9 windows: folding the unfolding multiplies it by 9.
        let interior = (0 * 3 + 1) * 144 + 5 * 12 + 5
        #expect(abs(serial.1[interior] - 9 * input[interior]) < 1e-5)
    }
}
