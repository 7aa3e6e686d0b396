import Foundation
import SZNNCore
import SZNNEngine
import SZNNWorkflow
import Testing

/// Whole exported networks: the graph engine's loss and every initializer's gradient against
/// PyTorch autograd on one fixed batch (Data/models/zoo/reference, made by Benchmarks/zoo/torch_grad.py
/// in float64 with the models in eval mode).
@Suite struct TorchGradientTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("loss and gradients match PyTorch autograd (relative error ≤ 1e-4 per tensor)",
          arguments: ["resnet-digits", "mobilenet-digits", "vit-digits", "resnet-mnist"])
    func matchesAutograd(_ name: String) throws {
        let modelURL = Self.root.appendingPathComponent("Data/models/zoo/\(name).onnx")
        let reference = try ModelFile.read(from: Self.root.appendingPathComponent("Data/models/zoo/reference/\(name)-grad.npz"))
        let network = try EngineBridge.network(architecture: modelURL, weights: nil, weightsName: name)
        let x = try #require(reference["x"]), y = try #require(reference["y"])
        let images = try FloatTensor(shape: x.shape, values: try #require(x.floatValues()))
        let (loss, gradients) = try network.lossAndGradients(images: images, labels: try #require(y.integerValues()))
        let expectedLoss = try #require(reference["loss"]?.floatValues()?.first)
        #expect(abs(loss - expectedLoss) <= 1e-4 * max(1, abs(expectedLoss)), "loss \(loss) vs \(expectedLoss)")
        var checked = 0
        for tensor in reference.tensors where tensor.name.hasPrefix("grad.") {
            let parameter = String(tensor.name.dropFirst(5))
            let expected = try #require(tensor.floatValues()).map(Double.init)
            let actual = try #require(gradients[parameter], "no gradient for \(parameter)").map(Double.init)
            let difference = zip(actual, expected).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(difference <= 1e-4 * max(norm, 1e-6), "\(name) \(parameter): relative error \(difference / max(norm, 1e-12))")
            checked += 1
        }
        #expect(checked == network.trainableParameters.count)
    }
}
