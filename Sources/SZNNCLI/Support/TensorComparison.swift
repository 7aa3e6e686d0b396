import Foundation
import SZNNCore

/// How far a reconstructed tensor is from its original, element by element.
struct TensorComparison {
    let name: String
    let elementCount: Int
    /// The largest |w - ŵ| over finite elements (non-finite ones must match exactly).
    let maximumError: Double
    let rootMeanSquareError: Double
    /// 20·log10(value range / RMSE); infinite when the reconstruction is exact.
    let peakSignalToNoise: Double
    /// Elements outside their bound (or non-finite elements that changed).
    let violations: Int
    /// Whether a bound was known to check against.
    let checked: Bool

    /// Compares `other` with `original`; `bounds` gives each element's bound, nil for "report only".
    init(original: Tensor, other: Tensor, bounds: BoundLookup?) throws {
        guard original.dtype == other.dtype, original.shape == other.shape else {
            throw SZNNError(.architectureMismatch,
                            "tensor '\(original.name)' is \(original.dtype.safetensorsName) \(original.shape) in the original but \(other.dtype.safetensorsName) \(other.shape) in the other file")
        }
        name = original.name
        elementCount = original.elementCount
        checked = bounds != nil
        guard original.dtype.isFloatingPoint else {
            let same = original.bytes == other.bytes
            maximumError = same ? 0 : .infinity
            rootMeanSquareError = same ? 0 : .infinity
            peakSignalToNoise = same ? .infinity : 0
            violations = same || bounds == nil ? 0 : 1
            return
        }
        var maximum = 0.0, squares = 0.0, broken = 0
        let dtype = original.dtype
        original.bytes.withUnsafeBytes { left in
            other.bytes.withUnsafeBytes { right in
                for index in 0..<original.elementCount {
                    let originalBits = FloatCodec.loadBits(left, index: index, dtype: dtype)
                    let reconstructedBits = FloatCodec.loadBits(right, index: index, dtype: dtype)
                    let value = FloatCodec.value(ofBits: originalBits, as: dtype)
                    let reconstructed = FloatCodec.value(ofBits: reconstructedBits, as: dtype)
                    if value.isFinite && reconstructed.isFinite {
                        let error = (value - reconstructed).magnitude
                        maximum = max(maximum, error)
                        squares += error * error
                    } else if originalBits != reconstructedBits {
                        maximum = .infinity
                    }
                    if let bounds, !ErrorBoundCheck.holds(original: originalBits, reconstructed: reconstructedBits,
                                                          dtype: dtype, bound: bounds.bound(at: index)) {
                        broken += 1
                    }
                }
            }
        }
        maximumError = maximum
        rootMeanSquareError = elementCount == 0 ? 0 : (squares / Double(elementCount)).squareRoot()
        let range = ValueRange(of: original)
        peakSignalToNoise = rootMeanSquareError == 0 ? .infinity : 20 * log10((range.maximum - range.minimum) / rootMeanSquareError)
        violations = bounds == nil ? 0 : broken
    }
}
