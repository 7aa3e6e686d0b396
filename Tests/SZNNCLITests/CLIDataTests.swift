import Foundation
import SZNNCore
import SZNNEngine
import SZNNWorkflow
import Testing

/// `--data` with a `.npz`: the same accuracy as the IDX path on the same images, `--predictions`, errors.
@Suite("CLI with .npz data")
struct CLIDataTests {
    static let architecture = CLINetworkTests.path("Configs/models/lenet5.json")
    static let weights = CLINetworkTests.path("Data/models/lenet5.safetensors")
    /// Images of the MNIST test file used (a few hundred keep the debug-build run short).
    static let imageCount = 300

    /// The first `imageCount` t10k images (raw bytes) and labels.
    static func testImages() throws -> (pixels: [UInt8], labels: [Int]) {
        let folder = URL(fileURLWithPath: CLINetworkTests.path("Data/mnist"))
        let images = try IDXFile.read(from: folder.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        let labels = try IDXFile.read(from: folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        return (Array(images.bytes[0..<(imageCount * 784)]), labels.bytes[0..<imageCount].map(Int.init))
    }

    /// The images preprocessed exactly as `MNIST` does for the IDX path.
    static func idxPixels(_ bytes: [UInt8]) -> [Float] {
        let scale = 1 / (255 * MNIST.pixelStandardDeviation), shift = MNIST.pixelMean / MNIST.pixelStandardDeviation
        return bytes.map { Float($0) * scale - shift }
    }

    static func labelsTensor(_ labels: [Int]) throws -> Tensor {
        try Tensor(name: "y", dtype: .int64, shape: [labels.count], bytes: labels.map(Int64.init).withUnsafeBufferPointer { Data(buffer: $0) })
    }

    @Test("eval --data file.npz (float32 as the IDX path makes it, and uint8 with --normalize) matches the IDX path; --predictions writes them")
    func evalMatchesIDX() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let (bytes, labels) = try Self.testImages()
        let pixels = Self.idxPixels(bytes)
        let network = try EngineBridge.makeNetwork(configurationAt: URL(fileURLWithPath: Self.architecture), seed: 0)
        try EngineBridge.load(try EngineBridge.loadModel(at: URL(fileURLWithPath: Self.weights)), into: network, fileName: "lenet5")
        let dataset = try Dataset(name: "test", sampleShape: [1, 28, 28], images: pixels, labels: labels)
        let expectedAccuracy = try network.accuracy(on: dataset)
        let expectedPredictions = try LabelledData.predictions(of: network, on: dataset)

        let shape = [Self.imageCount, 1, 28, 28]
        let floatArchive = Model(tensors: [try Tensor(name: "x", shape: shape, float32: pixels), try Self.labelsTensor(labels)])
        try NumpyArchive.encode(floatArchive, deflated: false).write(to: URL(fileURLWithPath: harness.path("float.npz")))
        let byteArchive = Model(tensors: [try Tensor(name: "x", dtype: .uint8, shape: shape, bytes: Data(bytes)), try Self.labelsTensor(labels)])
        try NumpyArchive.encode(byteArchive, deflated: true).write(to: URL(fileURLWithPath: harness.path("bytes.npz")))

        let floats = try harness.run("eval", "--model", Self.architecture, "--weights", Self.weights, "--data", "float.npz",
                                     "--validation-split", "1", "--split", "test", "--json")
        #expect(floats.status == 0, "\(floats.standardError)")
        let floatReport = try CLIHarness.json(floats)
        #expect(floatReport["test_images"] as? Int == Self.imageCount - 1)
        let bytesRun = try harness.run("eval", "--model", Self.architecture, "--weights", Self.weights, "--data", "bytes.npz",
                                       "--normalize", "0.1307,0.3081", "--predictions", "predictions.npy", "--json")
        #expect(bytesRun.status == 0, "\(bytesRun.standardError)")
        let report = try CLIHarness.json(bytesRun)
        let validation = report["validation_top1"] as? Double ?? -1, test = report["test_top1"] as? Double ?? -1
        #expect(abs((validation + test) / 2 - expectedAccuracy) < 1e-12) // halves of 150 images each
        let data = try #require(report["data"] as? [String: Any])
        #expect(data["format"] as? String == "npz" && data["labels"] as? String == "file")
        #expect(data["normalization"] as? String == "uint8: x·(1/255), then (x − 0.1307)/0.3081")

        let written = try NumpyArray.decode(try Data(contentsOf: URL(fileURLWithPath: harness.path("predictions.npy"))), name: "p", fileName: "predictions.npy")
        #expect(written.dtype == .int64 && written.shape == [Self.imageCount])
        let values = written.bytes.withUnsafeBytes { raw in (0..<Self.imageCount).map { Int(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) } }
        #expect(values == expectedPredictions)
        let floatTop1 = floatReport["test_top1"] as? Double ?? -1
        let expectedTail = LabelledData.accuracy(of: Array(expectedPredictions.dropFirst()), on: try Dataset(
            name: "tail", sampleShape: [1, 28, 28], images: Array(pixels.dropFirst(784)), labels: Array(labels.dropFirst())))
        #expect(abs(floatTop1 - expectedTail) < 1e-12)
    }

    @Test("eval on a .npz without y reports agreement with the model's own predictions")
    func evalUnlabelled() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let (bytes, _) = try Self.testImages()
        let archive = Model(tensors: [try Tensor(name: "x", dtype: .uint8, shape: [40, 1, 28, 28], bytes: Data(bytes[0..<(40 * 784)]))])
        try NumpyArchive.encode(archive, deflated: false).write(to: URL(fileURLWithPath: harness.path("x.npz")))
        let outcome = try harness.run("eval", "--model", Self.architecture, "--weights", Self.weights, "--data", "x.npz")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("labels: the model's own predictions (agreement)"))
        #expect(outcome.standardOutput.contains("test top-1:       100.00 % of 20 images"))
    }

    @Test("x and y of different lengths: E602 naming both, exit 1, no predictions written")
    func mismatchedLengths() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let archive = Model(tensors: [try Tensor(name: "x", shape: [10, 1, 28, 28], float32: [Float](repeating: 0, count: 7840)),
                                      try Self.labelsTensor(Array(repeating: 1, count: 9))])
        try NumpyArchive.encode(archive, deflated: false).write(to: URL(fileURLWithPath: harness.path("bad.npz")))
        let outcome = try harness.run("eval", "--model", Self.architecture, "--weights", Self.weights, "--data", "bad.npz",
                                      "--predictions", "p.npy")
        #expect(outcome.status == 1)
        #expect(outcome.errorLines.count == 1, "\(outcome.standardError)")
        #expect(outcome.errorLines.first?.hasPrefix("error E602: 'bad.npz' x has 10 examples but y has 9 labels") == true, "\(outcome.standardError)")
        #expect(harness.contents() == ["bad.npz"])
    }
}
