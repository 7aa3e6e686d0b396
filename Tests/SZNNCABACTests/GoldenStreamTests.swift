import Foundation
import Testing
import SZNNCore
@testable import SZNNCABAC

/// The CABAC bitstream pinned per context layout and rate pair: a fixed index sequence coded
/// with each configuration forced must give the committed SHA-256, so a change made to the
/// encoder and decoder together (a round trip cannot see it) fails here and needs a new format
/// version. To re-pin after a deliberate change, set SZNN_PRINT_GOLDEN=1 and copy the printed table.
@Suite struct GoldenStreamTests {
    /// One forced configuration.
    struct Configuration: CustomStringConvertible, Sendable {
        let contexts: CABACBackend.ContextChoice
        let modelsSuffix: Bool
        let greaterCount: Int
        let rates: AdaptationRates
        var description: String { "\(contexts.rawValue) suffix:\(modelsSuffix) greater:\(greaterCount) rates:\(rates)" }
    }

    static let configurations: [Configuration] = [CABACBackend.ContextChoice.previous, .neighbours].flatMap { contexts in
        [true, false].flatMap { suffix in
            [2, 10].flatMap { greater in
                AdaptationRates.defaultCandidates.map { Configuration(contexts: contexts, modelsSuffix: suffix, greaterCount: greater, rates: $0) }
            }
        }
    }

    /// 64 × 96 indices from integer arithmetic only (no libm, so the same on every machine):
    /// mostly small and two-sided, runs of zeros, and every 997th a large one for the Exp-Golomb suffix.
    static let shape = [64, 96]
    static let indices: [Int32] = {
        var state: UInt64 = 0x5EED_CABA_C000_0001
        return (0..<(64 * 96)).map { position in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let bits = state >> 33
            if position % 997 == 0 { return Int32(bits % 6001) - 3000 }
            if bits % 3 == 0 { return 0 }
            let magnitude = Int32((bits >> 2).trailingZeroBitCount % 9)
            return bits & 2 == 0 ? magnitude : -magnitude
        }
    }()

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Byte count and SHA-256 of each configuration's stream (both header bytes included).
    static let expected: [String: (bytes: Int, sha256: String)] = [
        "previous suffix:true greater:2 rates:(4, 7)": (1509, "91735b4017913db4a27d5c7e1036d2a50c52e2104cdb9093d95f83b26f0af5c4"),
        "previous suffix:true greater:2 rates:(5, 8)": (1504, "d8a99fa6f604de5eff0ce6a6d277857e54834f67bb256e08caefe2183441efd4"),
        "previous suffix:true greater:2 rates:(6, 9)": (1505, "a6febb646dbd1c8b97bd8a6b33d477192a2a843b43817dc8ad7b550e1a620378"),
        "previous suffix:true greater:2 rates:(5, 10)": (1506, "2eebe0396989215ba86f3570b4b268caf9cb241db14616252dac751210ee510e"),
        "previous suffix:true greater:10 rates:(4, 7)": (1509, "acbdad887f6f5500b5022dd19226dbf11f868db53d5abbf109a27922bf63995f"),
        "previous suffix:true greater:10 rates:(5, 8)": (1503, "9455c2227e05848c3c6751afac91ed2cb75889eb48bee65f34834e0aedacc259"),
        "previous suffix:true greater:10 rates:(6, 9)": (1502, "de2284102da6fff72cf0e27f351eb0bcaf17e92ce3271ab7c5ba54ebb504102b"),
        "previous suffix:true greater:10 rates:(5, 10)": (1504, "d58b27278e5ff485fa470969e73f81bcaba3c64ea12a2c51b6fcfea3c31ce935"),
        "previous suffix:false greater:2 rates:(4, 7)": (1511, "0a8ae7920e86824540a1fd6151ba10d35add67ea69ccbd3fef4e97390abf6714"),
        "previous suffix:false greater:2 rates:(5, 8)": (1507, "6319da025a915b8bf3560b068e44c20c4ddb427f6bf844e54fdd851494ae5468"),
        "previous suffix:false greater:2 rates:(6, 9)": (1506, "82f2dbb62e21ce845b68afd1ebecd87cf37424a911e896f5e50fc274bc2ba054"),
        "previous suffix:false greater:2 rates:(5, 10)": (1508, "631205ecf9e7f08958c95cc47c24fde77357014328d0ead9ed15bf10bbff1082"),
        "previous suffix:false greater:10 rates:(4, 7)": (1508, "e0364aee22999de479e055bec58d0981b54c9449c9e267a2c49f4b1abc6b28ec"),
        "previous suffix:false greater:10 rates:(5, 8)": (1503, "0566c4235ff8b35fbb85a6c7e70576bfcfffa5ab868c75373e2707fa48e9b8da"),
        "previous suffix:false greater:10 rates:(6, 9)": (1502, "51808e323b826105ce45079e0a98774cf7f7b38f2da86160f2d27068421dd5eb"),
        "previous suffix:false greater:10 rates:(5, 10)": (1504, "d93d1dcac03389d2f640743f0b503678c3a3c1e77a170fa8cfe9295a5426d5b3"),
        "neighbours suffix:true greater:2 rates:(4, 7)": (1511, "2a7cd7dcc7ca736ac05049337a2fa3f3bbc72b01f8c5d483337f9e82967bf633"),
        "neighbours suffix:true greater:2 rates:(5, 8)": (1508, "d005528ff7ec7f9cea0415b88f132dcaec0e7493d5768af4efefb7ee7c4a50e6"),
        "neighbours suffix:true greater:2 rates:(6, 9)": (1510, "9e0c7ff0185089766537512edc2c7c003a9a232419dcc0ebba3b0f84e30075aa"),
        "neighbours suffix:true greater:2 rates:(5, 10)": (1511, "fea186b2df7c825afc16cee7385168a9f2ba740debb54132dddbf7c9d900b43a"),
        "neighbours suffix:true greater:10 rates:(4, 7)": (1510, "070a88915e3cce30e348355520bafc497c36151c4f897fc426ae08e8fb2d70d3"),
        "neighbours suffix:true greater:10 rates:(5, 8)": (1506, "efe8df89ebdf22a3ab3f5b41ab979d030bde93b13e7883e85953f31f8163eb58"),
        "neighbours suffix:true greater:10 rates:(6, 9)": (1507, "da061e35bdfe00d811b6ea3b13bd58956c06cd859471aa8d60a6e62a0e0a45d3"),
        "neighbours suffix:true greater:10 rates:(5, 10)": (1509, "3b10d964d5fdbf34636ceb20d25ceeb65524ecb9cbb0de9ebc564df79485de83"),
        "neighbours suffix:false greater:2 rates:(4, 7)": (1513, "94e40346266ea10ee4baba874e3bcaa5bf51fa1ef0d8e585e19c69c5a7f63790"),
        "neighbours suffix:false greater:2 rates:(5, 8)": (1510, "eea09c74d0eb10de289873d48206bf1b248619243196d256b9bc18d9b885456b"),
        "neighbours suffix:false greater:2 rates:(6, 9)": (1511, "1ffb3ee1fe968109734f412298c191287ca69126e4896d88b464298da75bf72c"),
        "neighbours suffix:false greater:2 rates:(5, 10)": (1513, "c9a1660dac040a5b308fcf5aee41383f0149edd2f005786c9a0a348e468a4bcb"),
        "neighbours suffix:false greater:10 rates:(4, 7)": (1510, "2ee4b815dac4cfec8783f43ea1d3b13b0fa924bf076ab4bc9249423397bc22d4"),
        "neighbours suffix:false greater:10 rates:(5, 8)": (1506, "24f0d2a46beed82052340323ace23a7c54dd5257269671fab9bedc1394393d54"),
        "neighbours suffix:false greater:10 rates:(6, 9)": (1507, "f1a879fb91926c78b4e3413e773d5e540188cad37b4730bef4eb38e4275fa7bd"),
        "neighbours suffix:false greater:10 rates:(5, 10)": (1509, "d26f528a8558e76ec1422c429a5f07a3f2d233617c12b1f853c1abb3ef14d28f"),
    ]

    @Test func everyConfigurationIsPinnedAndRoundTrips() throws {
        var printed: [String] = []
        for configuration in Self.configurations {
            let backend = try CABACBackend(greaterCount: configuration.greaterCount, rateCandidates: [configuration.rates],
                                           contexts: configuration.contexts, modelsSuffix: configuration.modelsSuffix)
            let stream = try backend.encode(indices: Self.indices, shape: Self.shape)
            let decoded = try stream.withUnsafeBytes { try backend.decode($0, count: Self.indices.count, shape: Self.shape) }
            #expect(decoded == Self.indices, "\(configuration)")
            let digest = Self.hex(SHA256.hash(stream))
            printed.append("        \"\(configuration)\": (\(stream.count), \"\(digest)\"),")
            let pinned = Self.expected[configuration.description]
            #expect(pinned?.bytes == stream.count && pinned?.sha256 == digest, "\(configuration): \(stream.count) bytes, \(digest)")
        }
        if ProcessInfo.processInfo.environment["SZNN_PRINT_GOLDEN"] != nil { print(printed.joined(separator: "\n")) }
    }
}
