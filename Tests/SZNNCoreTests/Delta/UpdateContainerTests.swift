import Foundation
import SZNNCore
import SZNNFuzzing
import Testing

/// The version 3 container (FORMAT.md §3b): its base block is checked like every other block,
/// and files without a base are written exactly as before.
@Suite("update container")
struct UpdateContainerTests {
    /// An update file (stored backend) and the base it was coded against.
    static func updateFile() throws -> (bytes: Data, base: Model) {
        let base = try DeltaTestSupport.base()
        let update = try DeltaTestSupport.update(of: base, scale: 1e-3, seed: 30)
        return (try DeltaTestSupport.code(update, base: base, bound: 1e-3, backend: StoredBackend()).bytes, base)
    }

    /// The error code of decoding `bytes` as a container, then its model against `base`.
    static func code(decoding bytes: Data, base: Model?) -> SZNNError.Code? {
        do {
            let container = try ContainerDecoder.decode(bytes, fileName: "update.sznn")
            _ = try ModelCodec.decompress(container, backends: [.stored: StoredBackend()], base: base)
            return nil
        } catch {
            return (error as? SZNNError)?.code
        }
    }

    @Test("the file is header, metadata, a 41-byte base block with its CRC, then the records")
    func layout() throws {
        let (bytes, base) = try Self.updateFile()
        let surgery = ContainerSurgery(bytes)
        #expect(surgery.integer(at: 4, width: 2) == 3 && surgery.integer(at: 6, width: 2) == 2)
        let start = surgery.baseStart
        #expect(bytes[start] == BaseReference.sha256Algorithm)
        #expect(Array(bytes[(start + 1)..<(start + 33)]) == BaseReference(covering: Array(base.tensors.prefix(3))).digest)
        #expect(surgery.integer(at: start + 33, width: 4) == 3)
        #expect(surgery.integer(at: start + 37, width: 4) == surgery.checksum(start..<(start + 37)))
        #expect(Self.code(decoding: bytes, base: base) == nil)
    }

    @Test("cut anywhere inside the base block: E303; any byte of it flipped: E304")
    func truncatedOrCorruptBaseBlock() throws {
        let (bytes, base) = try Self.updateFile()
        let start = ContainerSurgery(bytes).baseStart
        for end in start..<(start + 41) {
            #expect(Self.code(decoding: bytes.prefix(end), base: base) == .truncated, "cut at \(end)")
        }
        for offset in start..<(start + 41) {
            var corrupt = bytes
            corrupt[offset] ^= 0x10
            #expect(Self.code(decoding: corrupt, base: base) == .checksumMismatch, "flipped byte \(offset - start)")
        }
    }

    @Test("re-sealed hostile base fields: unknown algorithm, wrong tensor count, flags against the version: E305")
    func hostileBaseFields() throws {
        let (bytes, base) = try Self.updateFile()
        let pristine = ContainerSurgery(bytes)
        let start = pristine.baseStart
        for (offset, width, value) in [(start, 1, 2), (start + 33, 4, 0), (start + 33, 4, 2), (start + 33, 4, 4)] {
            var surgery = pristine
            surgery.setInteger(value, at: offset, width: width)
            surgery.setInteger(surgery.checksum(start..<(start + 37)), at: start + 37, width: 4)
            #expect(Self.code(decoding: surgery.data, base: base) == .malformedContainer, "field at +\(offset - start) = \(value)")
        }
        for (version, flags) in [(3, 0), (3, 1), (3, 6), (2, 2), (1, 2)] {
            var surgery = pristine
            surgery.setVersion(version)
            surgery.setFlags(flags)
            #expect(Self.code(decoding: surgery.data, base: base) == .malformedContainer, "version \(version), flags \(flags)")
        }
        var future = pristine
        future.setVersion(4)
        #expect(Self.code(decoding: future.data, base: base) == .unsupportedVersion)
    }

    @Test("a delta record in a file without a base block is refused (E305)")
    func deltaRecordWithoutBase() throws {
        let plain = try DeltaTestSupport.code(try DeltaTestSupport.base(), base: nil, bound: 1e-3, backend: StoredBackend()).bytes
        var surgery = ContainerSurgery(plain)
        surgery.setRecordByte(record: 0, afterStorage: 0, to: 2)
        #expect(Self.code(decoding: surgery.data, base: nil) == .malformedContainer)
    }

    @Test("the fuzz harness decodes an update's delta records and survives its mutations")
    func fuzzHarness() throws {
        let (bytes, _) = try Self.updateFile()
        try FuzzTarget.consume(bytes)
        let pristine = ContainerSurgery(bytes)
        let seals = pristine.seals
        var refused = 0
        for field in pristine.structuralFields {
            for hostile in [0, 1, 2, 255, 1 << 20] where hostile != pristine.integer(at: field.offset, width: field.width) {
                var surgery = pristine
                surgery.setInteger(hostile & (field.width >= 8 ? -1 : (1 << (8 * field.width)) - 1), at: field.offset, width: field.width)
                surgery.reseal(seals)
                do {
                    try FuzzTarget.consume(surgery.data)
                } catch is SZNNError {
                    refused += 1
                } catch {
                    Issue.record("\(field) = \(hostile): not an SZNNError: \(error)")
                }
            }
        }
        #expect(refused > 100)
    }
}
