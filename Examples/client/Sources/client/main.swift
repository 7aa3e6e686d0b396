import Foundation
import SZNNCABAC
import SZNNEngine
import SZNNTuner

// BEGIN README EXAMPLE
/// Compression-aware training: the weights and their error bounds learn together.
func trainWithBounds(network: Network, data: Dataset, tensors: [TunedTensor],
                     optimizer: any Optimizer, steps: Int) throws -> [String: Double] {
    let tuner = ErrorBoundTuner(tensors: tensors, initialBounds: tensors.map { $0.scale / 4 })
    var generator = RandomGenerator(seed: 1)
    for _ in 0..<steps {
        let batch = data.batch(indices: (0..<32).map { _ in generator.nextInt(below: data.count) })
        try tuner.perturb(network)                         // W ← W + e·U
        let (_, gradients) = try network.lossAndGradients(images: batch.images, labels: batch.labels,
                                                          mode: .training)
        try tuner.restore(network)                         // W back, gradients kept
        optimizer.step(network.parameters)                 // the weights learn…
        try tuner.updateWeights(from: network)
        tuner.step(gradients: gradients)                   // …and so do the bounds
    }
    return tuner.errorBounds
}
// END README EXAMPLE

// A small network on seeded random data, with the real CABAC rate estimate as the rate model.
let configuration = try JSONDecoder().decode(NetworkConfiguration.self, from: Data("""
    {"name": "client", "input": [16], "layers": [
      {"type": "dense", "name": "fc1", "outputFeatures": 32}, {"type": "relu"},
      {"type": "dense", "name": "fc2", "outputFeatures": 4}]}
    """.utf8))
let network = try Network(configuration: configuration, seed: 7)
var generator = RandomGenerator(seed: 3)
let images = (0..<(256 * 16)).map { _ in generator.nextFloat(in: -1, 1) }
let data = try Dataset(name: "random", sampleShape: [16], images: images, labels: (0..<256).map { $0 % 4 })
let cabac = try CABACBackend()
let tensors = try ["fc1.weight", "fc2.weight"].map { name in
    let parameter = try network.parameter(named: name)
    return try TunedTensor(name: name, shape: parameter.shape, values: parameter.values,
                           oracle: { tensor, settings in try cabac.estimatedBits(tensor, settings: settings) })
}
let bounds = try trainWithBounds(network: network, data: data, tensors: tensors, optimizer: SGD(learningRate: 0.01), steps: 20)
guard bounds.count == 2, bounds.values.allSatisfy({ $0.isFinite && $0 > 0 }) else {
    print("unexpected bounds: \(bounds)")
    exit(1)
}
for (name, bound) in bounds.sorted(by: { $0.key < $1.key }) { print("\(name): learned error bound \(bound)") }
