import Foundation
import Testing
@testable import SZNNCore

@Suite("Safetensors")
struct SafetensorsTests {
    /// A safetensors file from a raw header string and data bytes, padded like the reference writer.
    static func file(header: String, data: [UInt8]) -> Data {
        var headerBytes = Data(header.utf8)
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8))
        var output = Data()
        output.appendLittleEndian(UInt64(headerBytes.count))
        return output + headerBytes + Data(data)
    }

    static func decodeError(_ data: Data) -> SZNNError? {
        #expect(throws: SZNNError.self) { try Safetensors.decode(data, fileName: "test.safetensors") }
    }

    @Test func roundTripsEveryDTypeWithMetadataAndOrder() throws {
        let model = try IOTestSupport.everyDTypeModel()
        let encoded = try Safetensors.encode(model)
        let decoded = try Safetensors.decode(encoded, fileName: "all.safetensors")
        #expect(decoded == model)
        #expect(decoded.tensors.map(\.name) == model.tensors.map(\.name))
    }

    @Test func headerIsPaddedToEightBytes() throws {
        let encoded = try Safetensors.encode(try IOTestSupport.everyDTypeModel())
        let headerLength = try #require(encoded.littleEndian(UInt64.self, at: 0))
        #expect(headerLength % 8 == 0)
    }

    @Test func emptyAndScalarAndZeroSizedTensors() throws {
        let model = Model(tensors: [
            try Tensor(name: "scalar", dtype: .float32, shape: [], bytes: Data([0, 0, 128, 63])),
            try Tensor(name: "empty", dtype: .int64, shape: [0, 5], bytes: Data()),
            try Tensor(name: "empty2", dtype: .float16, shape: [0], bytes: Data()),
        ])
        #expect(try Safetensors.decode(Safetensors.encode(model), fileName: "x") == model)
        #expect(try Safetensors.decode(Safetensors.encode(Model(tensors: [])), fileName: "x") == Model(tensors: []))
    }

    @Test func decodesFromSliceNotStartingAtZero() throws {
        let encoded = try Safetensors.encode(try IOTestSupport.everyDTypeModel())
        let shifted = (Data([1, 2, 3]) + encoded).dropFirst(3)
        #expect(try Safetensors.decode(shifted, fileName: "x") == Safetensors.decode(encoded, fileName: "x"))
    }

    @Test func goldenFileFromPython() throws {
        let model = try ModelFile.read(from: Fixtures.url("io", "model.safetensors"))
        // JSON keys are sorted (bias, steps, weight) but data order, which we keep, is weight, bias, steps.
        #expect(model.tensors.map(\.name) == ["weight", "bias", "steps"])
        #expect(model.metadata == ["format": "pt", "source": "make_fixtures.py"])
        let weight = try #require(model["weight"])
        #expect(weight.dtype == .float32 && weight.shape == [2, 3])
        #expect(weight.floatValues() == [-1, -0.5, 0, 0.5, 1, 1.5])
        let bias = try #require(model["bias"])
        #expect(bias.dtype == .float16 && bias.floatValues() == [0.5, -1.25, 2])
        let steps = try #require(model["steps"])
        #expect(steps.dtype == .int64 && IOTestSupport.values(steps, as: Int64.self) == [1, -9_000_000_000])
    }

    @Test(arguments: [
        ("corrupt-duplicate.safetensors", SZNNError.Code.duplicateTensor),
        ("corrupt-overlap.safetensors", .malformedModelFile),
        ("corrupt-out-of-range.safetensors", .malformedModelFile),
        ("corrupt-byte-count.safetensors", .malformedModelFile),
        ("corrupt-dtype.safetensors", .unsupportedDType),
        ("corrupt-header-bomb.safetensors", .malformedModelFile),
    ])
    func goldenCorruptFilesAreRejected(name: String, code: SZNNError.Code) throws {
        let error = #expect(throws: SZNNError.self) { try ModelFile.read(from: Fixtures.url("io", name)) }
        #expect(error?.code == code)
        #expect(error?.message.contains(name) == true)
    }

    @Test func truncatedFilesAreRejected() throws {
        let encoded = try Safetensors.encode(try IOTestSupport.everyDTypeModel())
        for length in [0, 4, 7, 8, 20, encoded.count - 1] {
            #expect(Self.decodeError(encoded.prefix(length))?.code == .malformedModelFile)
        }
    }

    @Test func hostileHeadersAreRejected() {
        let floats: [UInt8] = [0, 0, 128, 63, 0, 0, 0, 64]
        let cases: [(String, SZNNError.Code)] = [
            ("not json", .malformedModelFile),
            ("[1,2]", .malformedModelFile),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, .malformedModelFile),
            (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, .malformedModelFile),
            (#"{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, .malformedModelFile),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}}"#, .malformedModelFile),
            (#"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, .malformedModelFile),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,99999999999999999999999]}}"#, .malformedModelFile),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, .malformedModelFile), // gap at start
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, .malformedModelFile), // trailing bytes
            (#"{"a":{"dtype":"F32","shape":[2]}}"#, .malformedModelFile),
            (#"{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, .malformedModelFile),
            (#"{"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, .malformedModelFile),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, .duplicateTensor),
            (#"{"a\u0000b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a\u0000b":1}"#, .duplicateTensor),
            (String(repeating: "[", count: 10_000), .malformedModelFile),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} trailing"#, .malformedModelFile),
            (#"{"\ud800":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, .malformedModelFile),
        ]
        for (header, code) in cases {
            let error = Self.decodeError(Self.file(header: header, data: floats))
            #expect(error?.code == code, "header \(header.prefix(80))")
        }
    }

    @Test func acceptsEscapesAndUnknownFields() throws {
        let header = #"{"w\u00e9ight\n\ud83d\ude00":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":[true,null,{}]}}"#
        let model = try Safetensors.decode(Self.file(header: header, data: [0, 0, 128, 63, 0, 0, 0, 64]), fileName: "x")
        #expect(model.tensors.map(\.name) == ["wéight\n😀"])
        #expect(model.tensors.first?.floatValues() == [1, 2])
    }

    @Test func encodeRejectsDuplicateNames() throws {
        let tensor = try Tensor(name: "a", shape: [1], float32: [1])
        let error = #expect(throws: SZNNError.self) { try Safetensors.encode(Model(tensors: [tensor, tensor])) }
        #expect(error?.code == .duplicateTensor)
    }

    @Test func fuzzedFilesNeverCrash() throws {
        let valid = try Fixtures.data("io", "model.safetensors")
        IOTestSupport.fuzz(valid, seed: 0x5AFE) { _ = try Safetensors.decode($0, fileName: "fuzz.safetensors") }
    }
}
