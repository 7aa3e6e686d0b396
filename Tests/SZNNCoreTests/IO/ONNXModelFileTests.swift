import Foundation
import Testing
@testable import SZNNCore

/// `.onnx` reading and writing on ModelProtos built here field by field (onnx.proto's numbers).
@Suite struct ONNXModelFileTests {
    /// A TensorProto: name, dims, data type, and either raw bytes, unpacked int64s, or an external location.
    static func tensor(_ name: String, dims: [Int64], type: Int64, raw: Data? = nil, int64s: [Int64] = [],
                       external: String? = nil) -> ProtobufWriter {
        var proto = ProtobufWriter()
        proto.appendPackedInts(1, dims)
        proto.appendInt(2, type)
        proto.appendString(8, name)
        if let raw { proto.appendBytes(9, raw) }
        for value in int64s { proto.appendInt(7, value) }  // unpacked, as old writers do
        if let external {
            for (key, value) in [("location", external), ("offset", "0"), ("length", "8")] {
                var entry = ProtobufWriter()
                entry.appendString(1, key)
                entry.appendString(2, value)
                proto.appendMessage(13, entry)
            }
            proto.appendInt(14, 1)
        }
        return proto
    }

    /// x[?, 2] → Relu → y, with a float weight, an int64 shape constant, an optional external
    /// tensor, and an unknown ModelProto field (99) that must survive.
    static func model(external: String? = nil) -> Data {
        var node = ProtobufWriter()
        node.appendString(1, "x")
        node.appendString(2, "y")
        node.appendString(3, "relu0")
        node.appendString(4, "Relu")
        var graph = ProtobufWriter()
        graph.appendMessage(1, node)
        graph.appendString(2, "tiny")
        let weight: [Float] = [0.5, -1.25]
        graph.appendMessage(5, tensor("w", dims: [2], type: 1, raw: weight.withUnsafeBufferPointer { Data(buffer: $0) }))
        graph.appendMessage(5, tensor("shape", dims: [2], type: 7, int64s: [-1, 2]))
        if let external { graph.appendMessage(5, tensor("far", dims: [2], type: 1, external: external)) }
        var input = ProtobufWriter()
        input.appendString(1, "x")
        graph.appendMessage(11, input)
        var output = ProtobufWriter()
        output.appendString(1, "y")
        graph.appendMessage(12, output)
        var opset = ProtobufWriter()
        opset.appendInt(2, 17)
        var model = ProtobufWriter()
        model.appendInt(1, 8)
        model.appendMessage(7, graph)
        model.appendMessage(8, opset)
        model.appendString(99, "kept")
        return model.bytes
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func initializersBecomeTensorsAndWriteBack() throws {
        let url = URL(fileURLWithPath: "tiny.onnx")
        let model = try ONNXModelFile.decode(Self.model(), from: url)
        #expect(model.tensors.map(\.name) == ["w", "shape"])
        #expect(model.tensors[0].floatValues() == [0.5, -1.25])
        #expect(model.tensors[1].integerValues() == [-1, 2])
        let graph = try ONNXGraph(try #require(model.graph), fileName: "tiny.onnx")
        #expect(graph.nodes.map(\.operatorType) == ["Relu"] && graph.opsets[""] == 17 && graph.inputs.map(\.name) == ["x"])
        #expect(graph.initializers.map(\.shape) == [[2], [2]])

        var changed = model
        changed.tensors[0] = try Tensor(name: "w", shape: [2], float32: [3, 4])
        let written = try ONNXModelFile.encode(changed)
        #expect(written.range(of: Data("kept".utf8)) != nil)
        let reread = try ONNXModelFile.decode(written, from: url)
        #expect(reread.graph == model.graph)
        #expect(reread.tensors[0].floatValues() == [3, 4] && reread.tensors[1].integerValues() == [-1, 2])
    }

    @Test func writingChecksTheWeightsAgainstTheGraph() throws {
        var model = try ONNXModelFile.decode(Self.model(), from: URL(fileURLWithPath: "tiny.onnx"))
        model.tensors[0] = try Tensor(name: "w", shape: [3], float32: [1, 2, 3])
        #expect(throws: SZNNError.self) { try ONNXModelFile.encode(model) }
        model.graph = nil
        #expect { try ONNXModelFile.encode(model) } throws: { ($0 as? SZNNError)?.code == .unsupportedFileType }
    }

    @Test func externalDataIsReadBesideTheFileAndChecked() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.onnx")
        let values: [Float] = [7, 8]
        try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: folder.appendingPathComponent("m.data"))
        let model = try ONNXModelFile.decode(Self.model(external: "m.data"), from: url)
        #expect(model["far"]?.floatValues() == [7, 8])
        #expect { try ONNXModelFile.decode(Self.model(external: "gone.data"), from: url) } throws: {
            ($0 as? SZNNError)?.code == .unreadableFile && "\($0)".contains("gone.data")
        }
        #expect { try ONNXModelFile.decode(Self.model(external: "../m.data"), from: url) } throws: {
            ($0 as? SZNNError)?.code == .malformedModelFile
        }
    }

    @Test func everyTruncationFailsCleanly() throws {
        let bytes = Self.model()
        var accepted = 0
        for length in 0..<bytes.count {
            do {
                _ = try ONNXModelFile.decode(bytes.prefix(length), from: URL(fileURLWithPath: "cut.onnx"))
                accepted += 1  // a cut between top-level fields can still be a valid (smaller) message
            } catch let error as SZNNError {
                #expect(error.code == .malformedModelFile, "\(length): \(error)")
            }
        }
        #expect(accepted < bytes.count / 4)
    }

    @Test func overlongVarintAndLengthsPastTheEndAreRejected() throws {
        let overlong = Data([0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01])
        #expect(throws: SZNNError.self) { try ONNXModelFile.decode(overlong, from: URL(fileURLWithPath: "v.onnx")) }
        let pastEnd = Data([0x3A, 0x7F, 0x01])  // field 7, length 127, one byte present
        #expect(throws: SZNNError.self) { try ONNXModelFile.decode(pastEnd, from: URL(fileURLWithPath: "p.onnx")) }
    }
}
