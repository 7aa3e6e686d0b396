import Foundation
import SZNNCore
import SZNNZstd
import SZNNTestSupport
import Testing

/// A damaged `.sznn` file fails with the right error code, and never decodes silently or crashes.
@Suite("corrupt .sznn files")
struct ContainerCorruptionTests {
    /// A small valid file with a lossless record and error-bounded records on both backends.
    static func validFile() throws -> Data {
        try ContainerEncoder.encode(try ContainerRoundTripTests.mixedContainer())
    }

    /// Decodes the container and every tensor in it, as `decompress` does.
    static func decodeFully(_ data: Data) throws {
        let container = try ContainerDecoder.decode(data, fileName: "corrupt.sznn")
        _ = try ModelCodec.decompress(container, backends: BoundTestSupport.allBackends())
    }

    /// The code `decodeFully` throws, or nil when it decodes (or throws something that is not an SZNNError).
    static func code(_ data: Data) -> SZNNError.Code? {
        do { try decodeFully(data) } catch let error as SZNNError { return error.code } catch { return nil }
        return nil
    }

    @Test("the unmodified file decodes")
    func validDecodes() throws {
        try Self.decodeFully(try Self.validFile())
    }

    @Test("a wrong magic is notSZNN")
    func wrongMagic() throws {
        var surgery = ContainerSurgery(try Self.validFile())
        surgery.bytes[3] = UInt8(ascii: "M")
        #expect(Self.code(surgery.data) == .notSZNN)
        #expect(Self.code(Data("PK\u{3}\u{4} not a container at all".utf8)) == .notSZNN)
    }

    @Test("version 4 with a re-sealed header CRC is unsupportedVersion; version 2 without the graph flag or 3 without the base flag is malformed")
    func futureVersion() throws {
        var surgery = ContainerSurgery(try Self.validFile())
        surgery.setVersion(4)
        #expect(Self.code(surgery.data) == .unsupportedVersion)
        surgery.setVersion(3)
        #expect(Self.code(surgery.data) == .malformedContainer)
        surgery.setVersion(2)
        #expect(Self.code(surgery.data) == .malformedContainer)
    }

    @Test("non-zero reserved flags with a re-sealed CRC are malformedContainer")
    func reservedFlags() throws {
        var surgery = ContainerSurgery(try Self.validFile())
        surgery.setFlags(2)
        #expect(Self.code(surgery.data) == .malformedContainer)
    }

    @Test("truncation at every offset is truncated or checksumMismatch")
    func truncationEverywhere() throws {
        let valid = try Self.validFile()
        var unexpected: [String] = []
        for length in 0..<valid.count {
            let code = Self.code(valid.prefix(length))
            if code != .truncated && code != .checksumMismatch { unexpected.append("\(length): \(String(describing: code))") }
        }
        #expect(unexpected.isEmpty, "lengths with another outcome: \(unexpected.prefix(10))")
    }

    @Test("a bit flipped anywhere (300 seeded positions) throws an SZNNError")
    func bitFlips() throws {
        let valid = try Self.validFile()
        var generator = SeededGenerator(seed: 0x5A4E_4E01)
        var silent: [Int] = []
        for _ in 0..<300 {
            var bytes = [UInt8](valid)
            let bit = Int.random(in: 0..<(bytes.count * 8), using: &generator)
            bytes[bit / 8] ^= 1 << UInt8(bit % 8)
            if Self.code(Data(bytes)) == nil { silent.append(bit) }
        }
        #expect(silent.isEmpty, "flipped bits that decoded or did not throw an SZNNError: \(silent.prefix(10))")
    }

    @Test("trailing bytes are malformedContainer")
    func trailingBytes() throws {
        #expect(Self.code(try Self.validFile() + Data([0])) == .malformedContainer)
        #expect(Self.code(try Self.validFile() + Self.validFile()) == .malformedContainer)
    }

    @Test("an unknown backend id with a re-sealed record CRC is unknownBackend")
    func unknownBackend() throws {
        var surgery = ContainerSurgery(try Self.validFile())
        surgery.setRecordByte(record: 1, afterStorage: 1, to: 9)
        #expect(Self.code(surgery.data) == .unknownBackend)
    }

    @Test("an unknown predictor id with a re-sealed record CRC is unknownPredictor")
    func unknownPredictor() throws {
        var surgery = ContainerSurgery(try Self.validFile())
        surgery.setRecordByte(record: 1, afterStorage: 2, to: 200)
        #expect(Self.code(surgery.data) == .unknownPredictor)
    }

    @Test("a backend this build lacks (cabac) is unknownBackend when decoding the tensor")
    func missingBackend() throws {
        var surgery = ContainerSurgery(try Self.validFile())
        surgery.setRecordByte(record: 1, afterStorage: 1, to: BackendIdentifier.cabac.rawValue)
        let container = try ContainerDecoder.decode(surgery.data, fileName: "corrupt.sznn")
        let withoutCABAC: [BackendIdentifier: any EntropyBackend] = [.stored: StoredBackend(), .zstd: try ZstdBackend()]
        #expect(throws: SZNNError.self) { try ModelCodec.decompress(container, backends: withoutCABAC) }
        do { _ = try ModelCodec.decompress(container, backends: withoutCABAC) } catch let error as SZNNError {
            #expect(error.code == .unknownBackend)
        }
    }

    @Test("a payload corrupted under a re-sealed CRC is an SZNNError, never a crash")
    func resealedPayloadFuzz() throws {
        let valid = try Self.validFile()
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<100 {
            var surgery = ContainerSurgery(valid)
            let record = Int.random(in: 0..<surgery.records.count, using: &generator)
            let range = surgery.payloadRange(record: record)
            guard !range.isEmpty else { continue }
            surgery.bytes[Int.random(in: range, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            let (start, headerLength) = surgery.records[record]
            // Re-seal the payload CRC (the header's last field before its own CRC), then the header CRC.
            surgery.setInteger(surgery.checksum(range), at: start + 4 + headerLength - 4, width: 4)
            surgery.setInteger(surgery.checksum((start + 4)..<(start + 4 + headerLength)), at: start + 4 + headerLength, width: 4)
            do { try Self.decodeFully(surgery.data) } catch is SZNNError {} catch {
                Issue.record("non-SZNNError: \(error)")
            }
        }
    }
}
