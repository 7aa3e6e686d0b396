import Foundation
import SZNNCore

/// Counts the coded bits of a tensor at given settings: the backend's estimator, or a real encode.
///
/// The tuner takes it as a function so that it works with every backend.
public typealias RateOracle = @Sendable (Tensor, TensorSettings) throws -> Double

/// One weight tensor whose error bound the tuner learns.
public struct TunedTensor: Sendable {
    public let name: String
    public let shape: [Int]
    /// The original weights (float32).
    public let values: [Float]
    /// Bits as a function of ln(bound).
    public let rate: RateModel
    /// The standard deviation of the weights, the unit of the bound grid.
    public let scale: Double

    public var count: Int { values.count }

    /// Measures the rate model of `values` with `oracle` on a grid of bounds from
    /// scale·2^-8 to scale·2^3 (half-octave steps), scale being the weights' standard deviation.
    public init(name: String, shape: [Int], values: [Float], oracle: RateOracle) throws {
        self.name = name
        self.shape = shape
        self.values = values
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(values.count, 1))
        let scale = variance > 0 ? variance.squareRoot() : 1e-3
        self.scale = scale
        let tensor = try Tensor(name: name, shape: shape, float32: values)
        let logBounds = stride(from: -8.0, through: 3.0, by: 0.5).map { log(scale) + $0 * log(2.0) }
        let bits = try logBounds.map { try oracle(tensor, TensorSettings(bounds: ErrorBounds(uniform: exp($0)))) }
        rate = try RateModel(logBounds: logBounds, bits: bits)
    }

    /// A tensor with a known rate model (used when weights change during training).
    init(name: String, shape: [Int], values: [Float], rate: RateModel, scale: Double) {
        self.name = name
        self.shape = shape
        self.values = values
        self.rate = rate
        self.scale = scale
    }

    /// The weights as the real quantizer reconstructs them at `bound` (what the compressed file will hold).
    public func reconstructed(bound: Double) throws -> [Float] {
        let tensor = try Tensor(name: name, shape: shape, float32: values)
        let record = try TensorEncoder.encode(tensor, settings: TensorSettings(bounds: ErrorBounds(uniform: bound)), backend: StoredBackend())
        guard let result = try TensorDecoder.decode(record, backends: [.stored: StoredBackend()]).floatValues() else {
            throw SZNNError(.corruptPayload, "tensor '\(name)' did not decode to floats")
        }
        return result
    }
}
