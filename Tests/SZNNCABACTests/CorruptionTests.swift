import Testing
import SZNNCore
import SZNNTestSupport
@testable import SZNNCABAC

/// Truncated, bit-flipped and garbage payloads give an error or a wrong-but-bounded result,
/// never a crash or a hang.
@Suite struct CorruptionTests {
    let indices = TestData.laplaceIndices(count: 4_000, scale: 4, seed: 21)
    let shape = [40, 100]

    @Test func truncatedStreamsAreRejected() throws {
        let backend = try CABACBackend()
        let payload = try backend.encode(indices: indices, shape: shape)
        for keep in [0, 1, 2, 3, payload.count / 4, payload.count / 2, payload.count - ArithmeticDecoder.allowedOverread - 2] {
            let truncated = Array(payload.prefix(keep))
            #expect(throws: SZNNError.self) {
                try truncated.withUnsafeBytes { try backend.decode($0, count: indices.count, shape: shape) }
            }
        }
    }

    @Test func corruptedStreamsNeverCrash() throws {
        let backend = try CABACBackend()
        let payload = try backend.encode(indices: indices, shape: shape)
        var generator = SeededGenerator(seed: 22)
        for _ in 0..<200 {
            var damaged = payload
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<damaged.count, using: &generator)
                damaged[position] ^= UInt8.random(in: 1...255, using: &generator)
            }
            do {
                let decoded = try damaged.withUnsafeBytes { try backend.decode($0, count: indices.count, shape: shape) }
                #expect(decoded.count == indices.count)
            } catch let error as SZNNError {
                #expect(error.code == .corruptPayload)
            }
        }
    }

    @Test func garbageNeverCrashes() throws {
        let backend = try CABACBackend()
        var generator = SeededGenerator(seed: 23)
        for length in [0, 1, 2, 3, 10, 100, 1_000] {
            let garbage = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for count in [0, 1, 1_000, 100_000] {
                _ = try? garbage.withUnsafeBytes { try backend.decode($0, count: count, shape: [count]) }
                _ = try? garbage.withUnsafeBytes { try backend.decodeLossless($0, byteCount: count) }
            }
        }
        // An all-0xFF stream drives every bin to the LPS and every prefix to its maximum.
        let ones = [UInt8](repeating: 0x10, count: 1) + [UInt8](repeating: 0x47, count: 1) + [UInt8](repeating: 0xFF, count: 64)
        #expect(throws: SZNNError.self) { try ones.withUnsafeBytes { try backend.decode($0, count: 1_000_000, shape: [1_000_000]) } }
    }

    @Test func countsThePayloadCannotHoldAreRejectedBeforeAllocating() throws {
        let backend = try CABACBackend()
        let zeros = try backend.encode(indices: [Int32](repeating: 0, count: 1 << 20), shape: [1 << 20])
        #expect(zeros.count * CABACBackend.maximumBinsPerByte > 1 << 20)
        let short: [UInt8] = [0x02, 0x47, 0, 0, 0, 0, 0, 0]
        #expect(throws: SZNNError.self) { try short.withUnsafeBytes { try backend.decode($0, count: Int(Int32.max), shape: [Int(Int32.max)]) } }
        #expect(throws: SZNNError.self) { try [UInt8](repeating: 1, count: 8).withUnsafeBytes { try backend.decodeLossless($0, byteCount: 1 << 40) } }
    }

    @Test func unknownHeadersAreRejected() throws {
        let backend = try CABACBackend()
        for header in [[0x40, 0x47], [0x0A, 0x00], [0x0A, 0xF7], [0x0A, 0x4F]] as [[UInt8]] {
            #expect(throws: SZNNError.self) {
                try (header + [0, 0, 0]).withUnsafeBytes { try backend.decode($0, count: 1, shape: [1]) }
            }
        }
        #expect(throws: SZNNError.self) { try [UInt8]([2]).withUnsafeBytes { try backend.decodeLossless($0, byteCount: 0) } }
        #expect(throws: SZNNError.self) { try [UInt8]([0, 1]).withUnsafeBytes { try backend.decodeLossless($0, byteCount: 2) } }
    }

    /// Issue 11, finding 5: `byteCount * 8` and `byteCount + 1` trapped on a size read from a forged header.
    @Test("a lossless byte count near Int.max is an error, not an arithmetic overflow trap")
    func overflowingByteCountIsRejected() throws {
        let backend = try CABACBackend()
        for mode: UInt8 in [0, 1] {
            for byteCount in [Int.max, Int.max / 4, Int.max / 8 + 1] {
                #expect(throws: SZNNError.self) {
                    try [UInt8]([mode, 0, 0, 0]).withUnsafeBytes { try backend.decodeLossless($0, byteCount: byteCount) }
                }
            }
        }
    }
}
