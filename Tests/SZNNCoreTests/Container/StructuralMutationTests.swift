import Foundation
import SZNNCore
import SZNNFuzzing
import SZNNTestSupport
import Testing

/// Header fields changed to hostile values with every CRC re-sealed, so the checksums no longer
/// guard them: the reader's own checks must turn each into an `SZNNError` (or a decode), never a
/// trap, a hang or an allocation the file cannot justify.
@Suite("structural mutations under re-sealed CRCs")
struct StructuralMutationTests {
    /// Valid files of every shape the writer makes: zstd/stored with per-slice bounds, an empty
    /// tensor and a scalar; CABAC on four float dtypes; version 2 with an ONNX graph; version 3
    /// with a graph, a base block and a delta record.
    static func validFiles() throws -> [(String, Data)] {
        [("mixed", try ContainerEncoder.encode(try ContainerRoundTripTests.mixedContainer())),
         ("cabac", try Fixtures.data("sznn", "model-cabac-abs.sznn")),
         ("cabac-lorenzo", try Fixtures.data("sznn", "model-cabac-lorenzo.sznn")),
         ("graph", try Fixtures.data("fuzz", "seeds/matmul.sznn")),
         ("update", try Fixtures.data("fuzz", "seeds/matmul-update.sznn"))]
    }

    /// The hostile values tried for a field of `width` bytes whose valid value is `value`.
    static func hostileValues(width: Int, value: Int, generator: inout SeededGenerator) -> [Int] {
        let maximum = width >= 8 ? -1 : (1 << (8 * width)) - 1
        var values = [0, 1, maximum, value &+ 1, value &- 1, value &* 2, value >> 1, Int(Int32.max), 1 << 31, 1 << 32, Int.max,
                      Int.random(in: 0...Int.max, using: &generator)]
        if width < 8 { values = values.map { $0 & maximum } }
        return Array(Set(values.filter { $0 != value })).sorted()
    }

    @Test("≥ 2,000 mutated header fields: an SZNNError or a decode, nothing else")
    func hostileFieldsAreRefused() throws {
        var generator = SeededGenerator(seed: 2026)
        var cases = 0, refused = 0, decoded = 0
        for (name, valid) in try Self.validFiles() {
            let pristine = ContainerSurgery(valid)
            let seals = pristine.seals
            for field in pristine.structuralFields {
                let value = pristine.integer(at: field.offset, width: field.width)
                for hostile in Self.hostileValues(width: field.width, value: value, generator: &generator) {
                    var surgery = pristine
                    surgery.setInteger(hostile, at: field.offset, width: field.width)
                    surgery.reseal(seals)
                    cases += 1
                    do {
                        try FuzzTarget.consume(surgery.data)
                        decoded += 1
                    } catch is SZNNError {
                        refused += 1
                    } catch {
                        Issue.record("\(name) \(field) = \(hostile): not an SZNNError: \(error)")
                    }
                }
            }
        }
        #expect(cases >= 2_000, "only \(cases) mutations")
        // Most fields are checked exactly; a few (a bound, a radius) may take another legal value.
        #expect(refused > decoded, "\(refused) refused, \(decoded) decoded")
    }
}
