import Foundation
import SZNNCore
import Testing

/// Models beyond what `.sznn` v1 holds are refused with E106 before anything is written;
/// models at the limits round-trip.
@Suite("format limits")
struct FormatLimitTests {
    /// An absolute-bound plan that codes every float tensor, however small.
    static let plan = CompressionPlan(defaultRule: CompressionPlan.Rule(mode: .absolute, errorBound: 1e-3), losslessBelowElements: 0)

    /// A float32 tensor of `shape` whose elements count up from 0.
    static func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        let count = shape.reduce(1, *)
        return try Tensor(name: name, shape: shape, float32: (0..<count).map { Float($0) / 8 })
    }

    /// Models one step past a limit: names of 4,097 and 65,536 bytes, ranks 9 and 256, a dimension of 2^31.
    static let beyondLimits: [(label: String, name: String, shape: [Int])] = [
        ("4097-byte name", String(repeating: "n", count: 4097), [2]),
        ("65536-byte name", String(repeating: "n", count: 65536), [2]),
        ("rank 9", "deep", Array(repeating: 1, count: 9)),
        ("rank 256", "deeper", Array(repeating: 1, count: 256)),
        ("dimension 2^31", "wide", [0, 1 << 31]),
    ]

    @Test("ModelCodec.compress refuses a model beyond the limits with E106", arguments: 0..<beyondLimits.count)
    func codecRefuses(index: Int) throws {
        let (label, name, shape) = Self.beyondLimits[index]
        let model = Model(tensors: [try Self.tensor(name, shape: shape)])
        var coded = 0
        let error = #expect(throws: SZNNError.self, "\(label)") {
            try ModelCodec.compress(model, plan: Self.plan, backend: StoredBackend(), progress: { done, _ in coded = done })
        }
        #expect(error?.code == .exceedsFormatLimit, "\(label): \(String(describing: error))")
        #expect(error?.description.contains("cannot be stored in .sznn v1") == true)
        #expect(error?.description.contains(String(name.prefix(4))) == true, "the message names the tensor")
        #expect(coded == 0, "\(label): refused before any tensor was coded")
    }

    @Test("ContainerEncoder refuses a record beyond the limits with E106 (no trap)", arguments: 0..<beyondLimits.count)
    func encoderRefuses(index: Int) throws {
        let (label, name, shape) = Self.beyondLimits[index]
        let record = try TensorEncoder.encodeLossless(try Self.tensor(name, shape: shape), backend: StoredBackend())
        let error = #expect(throws: SZNNError.self, "\(label)") {
            try ContainerEncoder.encode(Container(metadata: [:], records: [record]))
        }
        #expect(error?.code == .exceedsFormatLimit, "\(label): \(String(describing: error))")
    }

    @Test("metadata JSON beyond 16 MiB is refused with E106 by both")
    func metadataRefused() throws {
        let model = Model(tensors: [try Self.tensor("w", shape: [2])],
                          metadata: ["blob": String(repeating: "m", count: FormatLimits.maximumMetadataBytes)])
        let codecError = #expect(throws: SZNNError.self) {
            try ModelCodec.compress(model, plan: Self.plan, backend: StoredBackend())
        }
        #expect(codecError?.code == .exceedsFormatLimit)
        let encoderError = #expect(throws: SZNNError.self) {
            try ContainerEncoder.encode(Container(metadata: ["model_metadata": model.metadata], records: []))
        }
        #expect(encoderError?.code == .exceedsFormatLimit)
    }

    @Test("a 4096-byte name, rank 8 and the largest dimension round-trip")
    func atTheLimits() throws {
        let longName = String(repeating: "é", count: FormatLimits.maximumNameBytes / 2)
        #expect(longName.utf8.count == FormatLimits.maximumNameBytes)
        let model = Model(tensors: [
            try Self.tensor(longName, shape: [3, 5]),
            try Self.tensor("rank8", shape: [2, 1, 2, 1, 2, 1, 2, 2]),
            try Self.tensor("widest", shape: [0, FormatLimits.maximumDimension]),
        ])
        let container = try ModelCodec.compress(model, plan: Self.plan, backend: StoredBackend())
        let decoded = try ContainerDecoder.decode(try ContainerEncoder.encode(container), fileName: "limits.sznn")
        let restored = try ModelCodec.decompress(decoded, backends: [.stored: StoredBackend()])
        #expect(restored.tensors.map(\.name) == model.tensors.map(\.name))
        #expect(restored.tensors.map(\.shape) == model.tensors.map(\.shape))
    }
}
