import Foundation
import SZNNCore
import Testing

/// The digest an update records of its base is SHA-256 as FIPS 180-4 defines it.
@Suite("SHA-256")
struct SHA256Tests {
    static func hex(_ digest: [UInt8]) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    @Test("the FIPS 180-4 examples: \"abc\", the empty string and the 448-bit message", arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func testVectors(message: String, expected: String) {
        #expect(Self.hex(SHA256.hash(Array(message.utf8))) == expected)
    }

    @Test("feeding in pieces gives the one-shot digest, across block boundaries")
    func incremental() {
        let message = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let whole = SHA256.hash(message)
        for split in [0, 1, 55, 56, 63, 64, 65, 128, 200] {
            var hasher = SHA256()
            hasher.update(message[..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == whole, "split at \(split)")
        }
        var pieces = SHA256()
        for start in stride(from: 0, to: message.count, by: 10) { pieces.update(Data(message[start..<min(start + 10, message.count)])) }
        #expect(pieces.finalize() == whole, "in pieces of 10 bytes, from Data")
    }
}
