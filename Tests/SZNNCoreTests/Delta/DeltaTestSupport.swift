import Foundation
import SZNNCore
import SZNNTestSupport

/// Seeded base models and their fine-tuned updates for the delta-coding tests.
enum DeltaTestSupport {
    /// A plan that quantizes every tensor of at least 16 elements at `bound`.
    static func plan(_ bound: Double) -> CompressionPlan {
        CompressionPlan(defaultRule: CompressionPlan.Rule(mode: .absolute, errorBound: bound, predictor: .zero), losslessBelowElements: 16)
    }

    /// A float32 tensor of Laplace(0, 0.05) values.
    static func tensor(_ name: String, shape: [Int], seed: UInt64) throws -> Tensor {
        try Tensor(name: name, shape: shape, float32: Samples.laplace(count: shape.reduce(1, *), scale: 0.05, seed: seed).map(Float.init))
    }

    /// `tensor` with every element moved by Laplace(0, `scale`) noise: one more epoch of training, roughly.
    static func nudged(_ tensor: Tensor, scale: Double, seed: UInt64) throws -> Tensor {
        let noise = Samples.laplace(count: tensor.elementCount, scale: scale, seed: seed)
        let values = zip(try DeltaTestSupport.requireValues(tensor), noise).map { Float(Double($0) + $1) }
        return try Tensor(name: tensor.name, shape: tensor.shape, float32: values)
    }

    /// The float32 values of a float32 tensor.
    static func requireValues(_ tensor: Tensor) throws -> [Float] {
        guard let values = tensor.floatValues() else { throw SZNNError(.unsupportedDType, "not a float tensor") }
        return values
    }

    /// A base model: two weight matrices, a conv kernel and a small bias.
    static func base() throws -> Model {
        Model(tensors: [
            try tensor("fc1.weight", shape: [64, 100], seed: 1),
            try tensor("conv.weight", shape: [8, 4, 3, 3], seed: 2),
            try tensor("fc2.weight", shape: [10, 64], seed: 3),
            try tensor("fc2.bias", shape: [10], seed: 4),
        ])
    }

    /// The base with every tensor nudged by `scale`.
    static func update(of base: Model, scale: Double, seed: UInt64) throws -> Model {
        Model(tensors: try base.tensors.enumerated().map { try nudged($1, scale: scale, seed: seed &+ UInt64($0)) })
    }

    /// Compresses `model` against `base` and decodes the written bytes as a container.
    static func code(_ model: Model, base: Model?, bound: Double, backend: any EntropyBackend) throws -> (bytes: Data, container: Container) {
        let bytes = try ContainerEncoder.encode(try ModelCodec.compress(model, plan: plan(bound), backend: backend, base: base))
        return (bytes, try ContainerDecoder.decode(bytes, fileName: "update.sznn"))
    }
}
