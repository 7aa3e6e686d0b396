import Foundation
import SZNNCore
import SZNNZstd
import SZNNTestSupport
import Testing

@Suite("zstd backend")
struct ZstdBackendTests {
    @Test("indices round-trip at every packing width", arguments: [Int32(3), 300, 70_000, 1 << 20])
    func indicesRoundTrip(magnitude: Int32) throws {
        let backend = try ZstdBackend()
        var generator = SeededGenerator(seed: UInt64(magnitude))
        let indices = (0..<10_000).map { _ in Int32(truncatingIfNeeded: generator.next() % UInt64(2 * magnitude + 1)) - magnitude }
        let payload = try backend.encode(indices: indices, shape: [10_000])
        let decoded = try payload.withUnsafeBytes { try backend.decode($0, count: indices.count, shape: [10_000]) }
        #expect(decoded == indices)
    }

    @Test("empty and constant streams round-trip")
    func edgeStreams() throws {
        let backend = try ZstdBackend(level: 19)
        for indices in [[Int32](), [Int32](repeating: -7, count: 5000), [Int32.min + 1, Int32.max]] {
            let payload = try backend.encode(indices: indices, shape: [indices.count])
            let decoded = try payload.withUnsafeBytes { try backend.decode($0, count: indices.count, shape: [indices.count]) }
            #expect(decoded == indices)
        }
    }

    @Test("a truncated or corrupted payload is an error, never a crash")
    func corruptPayloads() throws {
        let backend = try ZstdBackend()
        let indices = (0..<4096).map { Int32($0 % 17) - 8 }
        let payload = try backend.encode(indices: indices, shape: [4096])
        for cut in [0, 1, 5, payload.count / 2, payload.count - 1] {
            #expect(throws: SZNNError.self) {
                _ = try Array(payload.prefix(cut)).withUnsafeBytes { try backend.decode($0, count: indices.count, shape: [4096]) }
            }
        }
        // A wrong element count must be caught by the frame's declared content size.
        #expect(throws: SZNNError.self) {
            _ = try payload.withUnsafeBytes { try backend.decode($0, count: indices.count + 1, shape: [4097]) }
        }
        let bytes: [UInt8] = Array("hello, sz-nn".utf8)
        let frame = try bytes.withUnsafeBytes { try backend.encodeLossless($0) }
        #expect(try frame.withUnsafeBytes { try backend.decodeLossless($0, byteCount: bytes.count) } == bytes)
    }

    @Test("levels outside 1 … max are rejected")
    func levels() {
        #expect(throws: SZNNError.self) { _ = try ZstdBackend(level: 0) }
        #expect(throws: SZNNError.self) { _ = try ZstdBackend(level: 99) }
    }
}
