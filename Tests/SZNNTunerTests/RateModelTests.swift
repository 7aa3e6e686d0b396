import Foundation
import SZNNCore
import SZNNTuner
import Testing

@Suite("rate model")
struct RateModelTests {
    /// Bits of an idealised uniform quantizer on Laplace weights: decreasing, convex-ish, with a wiggle.
    static let grid = stride(from: -8.0, through: 3.0, by: 0.5).map { $0 * log(2.0) }
    static let measured = grid.enumerated().map { index, s in max(0, 1e5 - 1.4e4 * s) + (index == 5 ? 900 : 0) }

    @Test("it is monotone non-increasing between and beyond the grid, even over noisy measurements")
    func monotone() throws {
        let model = try RateModel(logBounds: Self.grid, bits: Self.measured)
        var previous = Double.infinity
        for s in stride(from: -7.0, through: 3.0, by: 0.01) {
            let bits = model.bits(atLogBound: s)
            #expect(bits <= previous + 1e-9)
            #expect(model.derivative(atLogBound: s) <= 0)
            previous = bits
        }
        #expect(model.bits(atLogBound: -100) == model.bits.first)
        #expect(model.derivative(atLogBound: 100) == 0)
    }

    @Test("its derivative matches central finite differences")
    func derivative() throws {
        let model = try RateModel(logBounds: Self.grid, bits: Self.measured)
        let step = 1e-5
        for s in stride(from: -5.3, through: 1.7, by: 0.37) {
            let numeric = (model.bits(atLogBound: s + step) - model.bits(atLogBound: s - step)) / (2 * step)
            #expect(abs(numeric - model.derivative(atLogBound: s)) <= 1e-4 * max(1, abs(numeric)))
        }
    }

    @Test("it passes through the (monotone) measurements")
    func interpolates() throws {
        let model = try RateModel(logBounds: Self.grid, bits: Self.measured)
        for (s, bits) in zip(model.logBounds, model.bits) {
            #expect(abs(model.bits(atLogBound: s) - bits) < 1e-6)
        }
    }

    @Test("a grid that is too short or out of order is rejected")
    func invalidGrids() {
        #expect(throws: SZNNError.self) { _ = try RateModel(logBounds: [0], bits: [1]) }
        #expect(throws: SZNNError.self) { _ = try RateModel(logBounds: [1, 0], bits: [1, 2]) }
        #expect(throws: SZNNError.self) { _ = try RateModel(logBounds: [0, 1], bits: [1]) }
    }
}
