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
    /// The axis along which slices get their own bounds, or nil for one bound.
    public let sliceAxis: Int?
    /// Relative bound of each slice: slice j's bound is `bound · sliceFactors[j]` (empty: uniform).
    public let sliceFactors: [Double]
    /// `sliceFactors` expanded to one per element, for the noise of the surrogate (empty: uniform).
    public let elementFactors: [Float]
    /// The base's values when the tensor is coded as a delta against them (an update), else nil.
    public let base: [Float]?

    public var count: Int { values.count }

    /// Measures the rate model of `values` with `oracle` on a grid of bounds from
    /// scale·2^-8 to scale·2^3 (half-octave steps), scale being the weights' standard deviation.
    /// With `sliceAxis`, slice j's bound is the tensor's bound times `sliceFactors[j]`. With
    /// `base`, the rate is that of the difference from it (what a delta record codes), the grid
    /// still in units of the weights' deviation, since that is what the bound perturbs.
    public init(name: String, shape: [Int], values: [Float], sliceAxis: Int? = nil, sliceFactors: [Double] = [],
                base: [Float]? = nil, oracle: RateOracle) throws {
        self.name = name
        self.shape = shape
        self.values = values
        self.base = base
        self.sliceAxis = sliceFactors.isEmpty ? nil : sliceAxis
        self.sliceFactors = sliceAxis == nil ? [] : sliceFactors
        self.elementFactors = TunedTensor.expand(self.sliceFactors, axis: self.sliceAxis, shape: shape)
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(values.count, 1))
        let scale = variance > 0 ? variance.squareRoot() : 1e-3
        self.scale = scale
        // A delta's indices are round((w − b) / 2e): the zero-predictor indices of the exact difference, held in binary64.
        let tensor = try base.map { base in
            try Tensor(name: name, dtype: .float64, shape: shape,
                       bytes: Data(zip(values, base).map { (Double($0) - Double($1)).bitPattern.littleEndian }.withUnsafeBytes { Array($0) }))
        } ?? Tensor(name: name, shape: shape, float32: values)
        let logBounds = stride(from: -8.0, through: 3.0, by: 0.5).map { log(scale) + $0 * log(2.0) }
        // The grid points are independent: measured on all cores.
        let (axis, factors) = (self.sliceAxis, self.sliceFactors)
        let bits = try ParallelMap.map(logBounds.count) { point in
            let bounds = try TunedTensor.errorBounds(exp(logBounds[point]), axis: axis, factors: factors, shape: shape)
            return try oracle(tensor, TensorSettings(bounds: bounds))
        }
        rate = try RateModel(logBounds: logBounds, bits: bits)
    }

    /// The absolute bounds this tensor gets at tensor-level `bound`: uniform, or scaled per slice.
    public func errorBounds(_ bound: Double) throws -> ErrorBounds {
        try TunedTensor.errorBounds(bound, axis: sliceAxis, factors: sliceFactors, shape: shape)
    }

    static func errorBounds(_ bound: Double, axis: Int?, factors: [Double], shape: [Int]) throws -> ErrorBounds {
        guard let axis else { return try ErrorBounds(uniform: bound) }
        return try ErrorBounds(axis: axis, values: factors.map { $0 * bound }, shape: shape)
    }

    /// Per-slice factors repeated for every element of the slice (C order).
    static func expand(_ factors: [Double], axis: Int?, shape: [Int]) -> [Float] {
        guard let axis, !factors.isEmpty else { return [] }
        let inner = shape[(axis + 1)...].reduce(1, *)
        let count = shape.reduce(1, *)
        return (0..<count).map { Float(factors[($0 / inner) % factors.count]) }
    }

    /// A tensor with a known rate model (used when weights change during training).
    init(replacingValuesOf other: TunedTensor, with values: [Float]) {
        name = other.name
        shape = other.shape
        self.values = values
        rate = other.rate
        scale = other.scale
        sliceAxis = other.sliceAxis
        sliceFactors = other.sliceFactors
        elementFactors = other.elementFactors
        base = other.base
    }

    /// The same tensor with its rate model measured anew on its current values.
    public func remeasured(oracle: RateOracle) throws -> TunedTensor {
        try TunedTensor(name: name, shape: shape, values: values, sliceAxis: sliceAxis, sliceFactors: sliceFactors, base: base, oracle: oracle)
    }

    /// The weights as the real quantizer reconstructs them at `bound` (what the compressed file will hold, a delta's too).
    ///
    /// One quantization pass over `values` (`TensorEncoder.reconstruction`), bit-identical to
    /// encoding and decoding the tensor, without packing, container or copies of the weights.
    public func reconstructed(bound: Double) throws -> [Float] {
        try TensorEncoder.reconstruction(of: values, shape: shape, settings: TensorSettings(bounds: try errorBounds(bound)), base: base)
    }
}
