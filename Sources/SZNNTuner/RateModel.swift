import Foundation
import SZNNCore

/// The coded size of one tensor as a smooth, monotone function of s = ln(error bound).
///
/// Built from real measurements (the backend's estimator, or real encodes) on a grid of
/// bounds, made monotone non-increasing, then interpolated with a monotone cubic
/// (Fritsch–Carlson), so that the tuner gets a continuous derivative that never has the
/// wrong sign. Outside the grid the size is held constant (derivative 0).
public struct RateModel: Sendable {
    /// Grid points s_k = ln(bound_k), strictly increasing.
    public let logBounds: [Double]
    /// Bits at each grid point, non-increasing.
    public let bits: [Double]
    private let slopes: [Double]

    /// A model through measured `(ln bound, bits)` points; needs at least two distinct bounds.
    public init(logBounds: [Double], bits measured: [Double]) throws {
        guard logBounds.count >= 2, logBounds.count == measured.count,
              zip(logBounds, logBounds.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw SZNNError(.invalidArgument, "a rate model needs at least two increasing bounds with one measurement each")
        }
        // A larger bound never needs more bits; measurement noise that says otherwise is flattened.
        var monotone = measured
        for index in 1..<monotone.count { monotone[index] = min(monotone[index], monotone[index - 1]) }
        self.logBounds = logBounds
        self.bits = monotone
        self.slopes = RateModel.monotoneSlopes(x: logBounds, y: monotone)
    }

    /// Estimated bits at s = ln(bound).
    public func bits(atLogBound s: Double) -> Double {
        evaluate(s).value
    }

    /// d(bits)/ds at s = ln(bound) (<= 0).
    public func derivative(atLogBound s: Double) -> Double {
        evaluate(s).derivative
    }

    private func evaluate(_ s: Double) -> (value: Double, derivative: Double) {
        guard let first = logBounds.first, let last = logBounds.last else { return (0, 0) }
        if s <= first { return (bits[0], 0) }
        if s >= last { return (bits[bits.count - 1], 0) }
        var upper = 1
        while logBounds[upper] < s { upper += 1 }
        let lower = upper - 1
        let width = logBounds[upper] - logBounds[lower]
        let t = (s - logBounds[lower]) / width
        let (y0, y1, m0, m1) = (bits[lower], bits[upper], slopes[lower] * width, slopes[upper] * width)
        let t2 = t * t, t3 = t2 * t
        // Cubic Hermite basis functions and their derivatives in t.
        let h00: Double = 2 * t3 - 3 * t2 + 1, h10: Double = t3 - 2 * t2 + t
        let h01: Double = 3 * t2 - 2 * t3, h11: Double = t3 - t2
        let d00: Double = 6 * t2 - 6 * t, d10: Double = 3 * t2 - 4 * t + 1
        let d01: Double = 6 * t - 6 * t2, d11: Double = 3 * t2 - 2 * t
        let value = h00 * y0 + h10 * m0 + h01 * y1 + h11 * m1
        let slope = (d00 * y0 + d10 * m0 + d01 * y1 + d11 * m1) / width
        return (value, min(0, slope))
    }

    /// Fritsch–Carlson tangents: monotone data gives a monotone interpolant.
    static func monotoneSlopes(x: [Double], y: [Double]) -> [Double] {
        let count = x.count
        var secants = [Double](repeating: 0, count: count - 1)
        for index in 0..<(count - 1) {
            let rise: Double = y[index + 1] - y[index]
            secants[index] = rise / (x[index + 1] - x[index])
        }
        var slopes = [Double](repeating: 0, count: count)
        slopes[0] = secants[0]
        slopes[count - 1] = secants[count - 2]
        for index in 1..<(count - 1) {
            slopes[index] = secants[index - 1] * secants[index] <= 0 ? 0 : (secants[index - 1] + secants[index]) / 2
        }
        for index in 0..<(count - 1) where secants[index] == 0 {
            slopes[index] = 0
            slopes[index + 1] = 0
        }
        for index in 0..<(count - 1) where secants[index] != 0 {
            let alpha = slopes[index] / secants[index], beta = slopes[index + 1] / secants[index]
            let radius = alpha * alpha + beta * beta
            if radius > 9 {
                let scale = 3 / radius.squareRoot()
                slopes[index] = scale * alpha * secants[index]
                slopes[index + 1] = scale * beta * secants[index]
            }
        }
        return slopes
    }
}
