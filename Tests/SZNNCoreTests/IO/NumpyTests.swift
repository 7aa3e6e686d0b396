import Foundation
import Testing
@testable import SZNNCore

@Suite("NumPy .npy and .npz")
struct NumpyTests {
    static let weight: [Float] = [-1, -0.5, 0, 0.5, 1, 1.5]

    static func read(_ name: String) throws -> Model {
        try ModelFile.read(from: Fixtures.url("io", name))
    }

    @Test func goldenArrays() throws {
        let float32 = try #require(try Self.read("float32.npy").tensors.first)
        #expect(float32.name == "float32" && float32.dtype == .float32 && float32.shape == [2, 3])
        #expect(float32.floatValues() == Self.weight)

        let float16 = try #require(try Self.read("float16.npy").tensors.first)
        #expect(float16.dtype == .float16 && float16.floatValues() == [1, -2, 0.333251953125, 65504])

        let float64 = try #require(try Self.read("float64.npy").tensors.first)
        #expect(float64.dtype == .float64 && float64.shape == [2, 2])
        #expect(IOTestSupport.doubles(float64) == [Double.pi, -M_E, 1e-300, 1e300])

        let int32 = try #require(try Self.read("int32.npy").tensors.first)
        #expect(int32.dtype == .int32 && IOTestSupport.values(int32, as: Int32.self) == [.min, 0, .max])

        let bool = try #require(try Self.read("bool.npy").tensors.first)
        #expect(bool.dtype == .bool && bool.shape == [2, 2] && [UInt8](bool.bytes) == [1, 0, 0, 1])
    }

    @Test func bigEndianIsSwappedAndFortranOrderTransposed() throws {
        for name in ["big-endian.npy", "fortran.npy"] {
            let tensor = try #require(try Self.read(name).tensors.first)
            #expect(tensor.shape == [2, 3] && tensor.floatValues() == Self.weight, "\(name)")
        }
    }

    @Test func unsupportedNumpyDTypeIsRejected() {
        let error = #expect(throws: SZNNError.self) { try Self.read("complex.npy") }
        #expect(error?.code == .unsupportedDType)
        #expect(error?.message.contains("<c8") == true)
    }

    @Test(arguments: ["stored.npz", "deflated.npz"])
    func goldenArchives(name: String) throws {
        let model = try Self.read(name)
        #expect(model.tensors.map(\.name) == ["weight", "bias", "steps"])
        #expect(model["weight"]?.floatValues() == Self.weight && model["weight"]?.shape == [2, 3])
        #expect(model["bias"]?.floatValues() == [0.5, -1.25, 2])
        let steps = try #require(model["steps"])
        #expect(steps.dtype == .int64 && IOTestSupport.values(steps, as: Int64.self) == [1, -9_000_000_000])
    }

    @Test(arguments: [false, true])
    func archiveRoundTripsEveryNumpyDType(deflated: Bool) throws {
        var model = try IOTestSupport.everyDTypeModel(excluding: [.bfloat16])
        model.metadata = [:]  // .npz has no metadata
        model.tensors.append(try Tensor(name: "scalar", dtype: .float64, shape: [], bytes: Data(count: 8)))
        model.tensors.append(try Tensor(name: "dir/nämed", dtype: .uint8, shape: [0, 3], bytes: Data()))
        let encoded = try NumpyArchive.encode(model, deflated: deflated)
        #expect(try NumpyArchive.decode(encoded, fileName: "x.npz") == model)
    }

    @Test func arrayRoundTripAndHeaderAlignment() throws {
        for dtype in DType.allCases where dtype != .bfloat16 {
            let tensor = try IOTestSupport.patternTensor("t", dtype, shape: [3, 1, 2])
            let encoded = try NumpyArray.encode(tensor)
            let headerLength = try #require(encoded.littleEndian(UInt16.self, at: 8))
            #expect((10 + Int(headerLength)) % 64 == 0)
            #expect(try NumpyArray.decode(encoded, name: "t", fileName: "t.npy") == tensor)
        }
    }

    @Test func bfloat16CannotBeWrittenToNpz() throws {
        let tensor = try IOTestSupport.patternTensor("bf", .bfloat16, shape: [4])
        let error = #expect(throws: SZNNError.self) { try NumpyArchive.encode(Model(tensors: [tensor]), deflated: false) }
        #expect(error?.code == .unsupportedDType)
        #expect(error?.hint.contains("safetensors") == true)
    }

    @Test func badMagicAndHostileHeadersAreRejected() throws {
        let valid = try Fixtures.data("io", "float32.npy")
        var badMagic = valid
        badMagic[badMagic.startIndex + 1] = UInt8(ascii: "X")
        let headers = [
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
            "{'descr': '<f4', 'fortran_order': False, }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}",
            "{'descr': '<f4', 'fortran_order': 'no', 'shape': (2, 3), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': ((((((((((2,),),),),),),),),),), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }",
            "not a dict",
        ]
        var inputs = [badMagic, valid.prefix(9)]
        for header in headers {
            var data = Data(NumpyArray.magic + [1, 0])
            data.appendLittleEndian(UInt16(header.utf8.count))
            inputs.append(data + Data(header.utf8) + Data(count: 24))
        }
        for input in inputs {
            let error = #expect(throws: SZNNError.self) { try NumpyArray.decode(input, name: "t", fileName: "t.npy") }
            #expect(error?.code == .malformedModelFile)
        }
    }

    @Test func corruptArchivesAreRejected() throws {
        let crcError = #expect(throws: SZNNError.self) { try Self.read("corrupt-crc.npz") }
        #expect(crcError?.code == .malformedModelFile && crcError?.message.contains("CRC") == true)

        let valid = try Fixtures.data("io", "deflated.npz")
        for length in [0, 10, valid.count / 2, valid.count - 1] {
            let error = #expect(throws: SZNNError.self) { try NumpyArchive.decode(valid.prefix(length), fileName: "t.npz") }
            #expect(error?.code == .malformedModelFile)
        }
    }

    @Test func zipBombIsRejectedBeforeAllocation() throws {
        // Claim a 4 GB - 2 uncompressed size in the central directory of a small deflated archive.
        let tensor = try Tensor(name: "a", shape: [4], float32: [1, 2, 3, 4])
        var archive = try NumpyArchive.encode(Model(tensors: [tensor]), deflated: true)
        let directory = try #require(archive.littleEndian(UInt32.self, at: archive.count - 6))
        archive.replaceSubrange((Int(directory) + 24)..<(Int(directory) + 28), with: [0xFE, 0xFF, 0xFF, 0xFF])
        let error = #expect(throws: SZNNError.self) { try NumpyArchive.decode(archive, fileName: "bomb.npz") }
        #expect(error?.message.contains("zip bomb") == true)
    }

    @Test func fuzzedFilesNeverCrash() throws {
        for (name, seed) in [("stored.npz", UInt64(1)), ("deflated.npz", 2)] {
            IOTestSupport.fuzz(try Fixtures.data("io", name), seed: seed) {
                _ = try NumpyArchive.decode($0, fileName: name)
            }
        }
        IOTestSupport.fuzz(try Fixtures.data("io", "fortran.npy"), seed: 3) {
            _ = try NumpyArray.decode($0, name: "t", fileName: "fortran.npy")
        }
    }
}
