import Foundation
import SZNNCore
import SZNNTestSupport

/// The tensors the codec benchmark measures: synthetic i.i.d. sources, a synthetic tensor with
/// the row and column scale structure of trained layers, and real weights when present.
enum BenchTensors {
    static func laplace(count: Int, scale: Double, seed: UInt64) -> [Float] {
        Samples.laplace(count: count, scale: scale, seed: seed).map(Float.init)
    }

    static func gaussian(count: Int, standardDeviation: Double, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let radius = (-2 * log(Double.random(in: Double.ulpOfOne..<1, using: &generator))).squareRoot()
            return Float(standardDeviation * radius * cos(2 * Double.pi * Double.random(in: 0..<1, using: &generator)))
        }
    }

    /// Gaussian weights whose scale varies by row (output unit) and column (input), with a
    /// fifth of the columns nearly dead — the structure of a trained first layer on MNIST.
    static func structured(rows: Int, columns: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let rowScales = (0..<rows).map { _ in exp(Double.random(in: -0.7...0.7, using: &generator)) }
        let columnScales = (0..<columns).map { _ in
            Double.random(in: 0..<1, using: &generator) < 0.2 ? 0.05 : exp(Double.random(in: -0.7...0.7, using: &generator))
        }
        let noise = gaussian(count: rows * columns, standardDeviation: 1.0 / 28, seed: seed &+ 1)
        return (0..<(rows * columns)).map { index in
            noise[index] * Float(rowScales[index / columns] * columnScales[index % columns])
        }
    }

    /// The synthetic set, then every float tensor of at least 10 000 elements in `Data/models/*.safetensors`.
    static func all(includeLarge: Bool) throws -> [Tensor] {
        var tensors = [
            try Tensor(name: "laplace-4M", shape: [2048, 2048], float32: laplace(count: 1 << 22, scale: 0.02, seed: 1)),
            try Tensor(name: "gaussian-512x784", shape: [512, 784], float32: gaussian(count: 512 * 784, standardDeviation: 1.0 / 28, seed: 2)),
            try Tensor(name: "structured-300x784", shape: [300, 784], float32: structured(rows: 300, columns: 784, seed: 3)),
        ]
        if includeLarge {
            tensors.append(try Tensor(name: "laplace-8M", shape: [4096, 2048], float32: laplace(count: 1 << 23, scale: 0.02, seed: 4)))
        }
        return tensors + (try realWeights())
    }

    static func realWeights() throws -> [Tensor] {
        let directory = URL(fileURLWithPath: "Data/models")
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        var tensors: [Tensor] = []
        for file in files.sorted(by: { $0.path < $1.path }) where file.pathExtension == "safetensors" {
            let model = try ModelFile.read(from: file)
            for tensor in model.tensors where tensor.dtype.isFloatingPoint && tensor.elementCount >= 10_000 {
                var named = tensor
                named.name = file.deletingPathExtension().lastPathComponent + ":" + tensor.name
                tensors.append(named)
            }
        }
        return tensors
    }
}
