import Foundation
import SZNNCore
import SZNNTestSupport
import Testing

/// The kinds of tensor contents the error-bound property tests feed the pipeline.
///
/// Each produces raw bit patterns for a dtype, so special values (NaN payloads, subnormals,
/// −0.0) are exactly what the dtype can hold rather than whatever rounding makes of them.
enum AdversarialInput: String, CaseIterable, CustomTestStringConvertible {
    /// Gaussian weights (σ = 0.05), the common case.
    case normal
    /// Laplace weights (scale 0.1): heavy tails.
    case laplace
    /// A slow sine: neighbours are close, so Lorenzo predicts well and indices stay small.
    case smooth
    /// NaN with payloads, ±Inf, ±0, subnormals, the largest finite values, interleaved with weights.
    case special
    /// Log-uniform magnitudes from 1e-30 to 1e30 with random signs: huge next to tiny.
    case wide
    /// Every element the same.
    case constant

    var testDescription: String { rawValue }

    /// `count` elements of `dtype` as bit patterns, reproducible from `seed`.
    func bits(count: Int, dtype: DType, seed: UInt64) -> [UInt64] {
        var generator = SeededGenerator(seed: seed)
        let specials = AdversarialInput.specialBits(dtype)
        return (0..<count).map { index in
            let value: Double
            switch self {
            case .normal: value = generator.normal(standardDeviation: 0.05)
            case .laplace: value = generator.laplace(scale: 0.1)
            case .smooth: value = sin(Double(index) * 0.05) * 0.8
            case .special:
                // Every third element is special, so specials sit next to ordinary weights and each other.
                if index % 3 == 0 { return specials[Int(generator.next() % UInt64(specials.count))] }
                value = generator.normal(standardDeviation: 0.05)
            case .wide:
                let magnitude = pow(10, -30 + 60 * generator.unitInterval())
                value = generator.next() & 1 == 0 ? magnitude : -magnitude
            case .constant: value = 0.375
            }
            return FloatCodec.bits(of: value, as: dtype)
        }
    }

    /// Bit patterns of `dtype` that the quantizer must get exactly right or escape.
    static func specialBits(_ dtype: DType) -> [UInt64] {
        let patterns: [UInt64]
        switch dtype {
        case .float64:
            patterns = [0x7FF0_0000_0000_1234, 0xFFF8_0000_0000_0001, // signalling NaN with payload, negative quiet NaN
                        0x0000_0000_0000_0001, 0x8000_0000_0000_0003, // subnormals
                        0x7FEF_FFFF_FFFF_FFFF, 0xFFEF_FFFF_FFFF_FFFF] // ±largest finite
        case .float32:
            patterns = [0x7F80_1234, 0xFFC0_0001, 0x0000_0001, 0x8000_0003, 0x7F7F_FFFF, 0xFF7F_FFFF]
        case .float16:
            patterns = [0x7C01, 0xFE01, 0x0001, 0x8003, 0x7BFF, 0xFBFF]
        default:
            patterns = [0x7F81, 0xFFC1, 0x0001, 0x8003, 0x7F7F, 0xFF7F]
        }
        let values: [Double] = [0.0, -0.0, .infinity, -.infinity, 1e30, -1e30, 1e-30, -1e-30, 0x1p-1074, 1e-3]
        return patterns + values.map { FloatCodec.bits(of: $0, as: dtype) }
    }
}
