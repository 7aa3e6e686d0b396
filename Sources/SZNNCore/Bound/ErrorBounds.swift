import Foundation

/// How a user states an error bound.
public enum ErrorBoundMode: String, Sendable, CaseIterable {
    /// The bound is an absolute difference: |w - ŵ| <= bound.
    case absolute = "abs"
    /// The bound is a fraction of the tensor's value range (max - min over finite values), as SZ's REL.
    case relative = "rel"
}

/// The absolute error bounds of one tensor: one for all elements, or one per slice along an axis.
///
/// Invariant: every value is finite and >= 0; with an axis, `values.count == shape[axis]`.
/// A bound of 0 means lossless (every element escapes and is stored exactly).
public struct ErrorBounds: Sendable, Equatable {
    /// The axis the bounds vary along, or nil for a single bound.
    public let axis: Int?
    /// The absolute bounds, one per slice (one in all without an axis).
    public let values: [Double]

    /// One absolute bound for the whole tensor.
    public init(uniform bound: Double) throws {
        try self.init(axis: nil, values: [bound], shape: [])
    }

    /// One absolute bound per slice along `axis` of a tensor of `shape`.
    public init(axis: Int?, values: [Double], shape: [Int]) throws {
        guard values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw SZNNError(.invalidArgument, "error bounds must be finite and >= 0, got \(values.first { !($0.isFinite && $0 >= 0) } ?? 0)",
                            hint: "use 0 for lossless or a positive number")
        }
        if let axis {
            guard axis >= 0, axis < shape.count, values.count == shape[axis] else {
                throw SZNNError(.invalidArgument, "\(values.count) per-slice bounds do not fit axis \(axis) of shape \(shape)")
            }
            self.values = ErrorBounds.sliceCodes(values).map { ErrorBounds.sliceBound(base: values.max() ?? 0, code: $0) }
        } else {
            guard values.count == 1 else { throw SZNNError(.invalidArgument, "a uniform bound needs exactly one value") }
            self.values = values
        }
        self.axis = axis
    }

    /// The one-byte code of each per-slice bound (FORMAT.md §4): slice j's bound is
    /// `base · 2^(−code/8)` with base the largest bound, or 0 for code 255.
    ///
    /// Codes round *down* (a bound is never loosened), so a stored vector costs one byte
    /// per slice instead of eight; the bounds the quantizer uses are the decoded ones.
    public static func sliceCodes(_ values: [Double]) -> [UInt8] {
        let base = values.max() ?? 0
        return values.map { value in
            guard value > 0, base > 0 else { return 255 }
            // A slice far below the base (or a ratio that underflows) gets bound 0: tighter, never looser.
            let exponent = -8 * log2(value / base)
            guard exponent.isFinite, exponent < 254 else { return 255 }
            var code = max(0, Int((exponent - 1e-9).rounded(.up)))
            while code < 255, sliceBound(base: base, code: UInt8(code)) > value { code += 1 }
            return UInt8(min(code, 255))
        }
    }

    /// The bound a slice code stands for (see `sliceCodes`).
    public static func sliceBound(base: Double, code: UInt8) -> Double {
        code == 255 ? 0 : base * exp2(-Double(code) / 8)
    }

    /// The bounds a user's `mode` and `value` mean for `tensor` (rel is a fraction of its value range).
    public static func resolve(mode: ErrorBoundMode, value: Double, for tensor: Tensor) throws -> ErrorBounds {
        switch mode {
        case .absolute:
            return try ErrorBounds(uniform: value)
        case .relative:
            let range = ValueRange(of: tensor)
            let bound = value * (range.maximum - range.minimum)
            return try ErrorBounds(uniform: bound.isFinite ? bound : 0)
        }
    }

    /// True when every bound is 0, so the tensor is stored losslessly.
    public var isLossless: Bool { values.allSatisfy { $0 == 0 } }

    /// The largest bound (what a report shows for per-slice bounds).
    public var maximum: Double { values.max() ?? 0 }

    /// The number of elements of `shape` that share one bound in a row (the product of dims after `axis`).
    func innerStride(shape: [Int]) -> Int {
        guard let axis else { return 1 }
        return shape[(axis + 1)...].reduce(1, *)
    }
}

/// The smallest and largest finite values of a floating-point tensor (0, 0 if there are none).
public struct ValueRange: Sendable {
    public let minimum: Double
    public let maximum: Double

    public init(of tensor: Tensor) {
        var low = Double.infinity, high = -Double.infinity
        if tensor.dtype.isFloatingPoint {
            tensor.bytes.withUnsafeBytes { raw in
                for index in 0..<tensor.elementCount {
                    let value = FloatCodec.load(raw, index: index, dtype: tensor.dtype)
                    if value.isFinite { low = min(low, value); high = max(high, value) }
                }
            }
        }
        if low > high { low = 0; high = 0 }
        minimum = low
        maximum = high
    }
}
