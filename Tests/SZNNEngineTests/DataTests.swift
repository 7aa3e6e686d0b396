import CZlib
import Foundation
import Testing
@testable import SZNNEngine

/// IDX parsing, MNIST split checks, configuration parsing and the random generator.
struct DataTests {
    /// A fresh temporary folder for one test.
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sznn-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Bytes of an IDX file of unsigned bytes.
    private func idx(dimensions: [Int], payload: [UInt8], magic: [UInt8] = [0, 0, 8]) -> [UInt8] {
        var bytes = magic + [UInt8(dimensions.count)]
        for dimension in dimensions {
            bytes += [UInt8(dimension >> 24 & 0xFF), UInt8(dimension >> 16 & 0xFF), UInt8(dimension >> 8 & 0xFF), UInt8(dimension & 0xFF)]
        }
        return bytes + payload
    }

    /// Writes `bytes` gzip-compressed with zlib.
    private func writeGzip(_ bytes: [UInt8], to url: URL) throws {
        let handle = try #require(gzopen(url.path, "wb"))
        let written = bytes.withUnsafeBytes { gzwrite(handle, $0.baseAddress, UInt32($0.count)) }
        gzclose(handle)
        #expect(Int(written) == bytes.count)
    }

    @Test func readsAGzippedIDXFile() throws {
        let folder = try temporaryDirectory()
        let url = folder.appendingPathComponent("ok.gz")
        try writeGzip(idx(dimensions: [2, 3], payload: [1, 2, 3, 4, 5, 6]), to: url)
        let file = try IDXFile.read(from: url)
        #expect(file.dimensions == [2, 3])
        #expect(file.bytes == [1, 2, 3, 4, 5, 6])
    }

    @Test func rejectsBadMagicWrongSizesAndCorruptGzip() throws {
        let folder = try temporaryDirectory()
        let badMagic = folder.appendingPathComponent("bad-magic.gz")
        try writeGzip(idx(dimensions: [2], payload: [1, 2], magic: [1, 0, 8]), to: badMagic)
        #expect(message(of: { _ = try IDXFile.read(from: badMagic) }).contains("bad-magic.gz: bad IDX magic"))

        let badType = folder.appendingPathComponent("float.gz")
        try writeGzip(idx(dimensions: [1], payload: [0, 0, 0, 0], magic: [0, 0, 0x0D]), to: badType)
        #expect(message(of: { _ = try IDXFile.read(from: badType) }).contains("float.gz"))

        let tooShort = folder.appendingPathComponent("short.gz")
        try writeGzip(idx(dimensions: [2, 3], payload: [1, 2, 3]), to: tooShort)
        #expect(message(of: { _ = try IDXFile.read(from: tooShort) }).contains("short.gz: dimensions [2, 3] need 6 bytes"))

        let corrupt = folder.appendingPathComponent("corrupt.gz")
        var compressed = try Data(contentsOf: tooShort)
        compressed.replaceSubrange(12..<compressed.count, with: [UInt8](repeating: 0xFF, count: compressed.count - 12))
        try compressed.write(to: corrupt)
        #expect(throws: EngineError.self) { _ = try IDXFile.read(from: corrupt) }

        let missing = folder.appendingPathComponent("missing.gz")
        #expect(message(of: { _ = try IDXFile.read(from: missing) }).contains("missing.gz"))
    }

    @Test func rejectsImageAndLabelCountsThatDisagree() throws {
        let folder = try temporaryDirectory()
        let images = folder.appendingPathComponent("images.gz")
        let labels = folder.appendingPathComponent("labels.gz")
        try writeGzip(idx(dimensions: [2, 28, 28], payload: [UInt8](repeating: 7, count: 2 * 784)), to: images)
        try writeGzip(idx(dimensions: [3], payload: [1, 2, 3]), to: labels)
        let text = message(of: { _ = try MNIST.loadPair(images: images, labels: labels) })
        #expect(text.contains("images.gz has 2 images but labels.gz has 3 labels"))

        try writeGzip(idx(dimensions: [2], payload: [1, 12]), to: labels)
        #expect(message(of: { _ = try MNIST.loadPair(images: images, labels: labels) }).contains("label 12"))

        try writeGzip(idx(dimensions: [2], payload: [1, 9]), to: labels)
        let (pixels, digits) = try MNIST.loadPair(images: images, labels: labels)
        #expect(digits == [1, 9])
        #expect(abs(pixels[0] - (7 / 255 - MNIST.pixelMean) / MNIST.pixelStandardDeviation) < 1e-6)
    }

    @Test func configurationRejectsUnknownKeysAndBadLayers() throws {
        let folder = try temporaryDirectory()
        let typo = folder.appendingPathComponent("typo.json")
        try Data(#"{"name":"x","input":[4],"layers":[{"type":"dense","name":"fc","output_features":2}]}"#.utf8).write(to: typo)
        #expect(message(of: { _ = try NetworkConfiguration.load(from: typo) }).contains("unknown key 'output_features'"))

        let good = folder.appendingPathComponent("good.json")
        try Data(#"{"name":"x","input":[4],"layers":[{"type":"dense","name":"fc","outputFeatures":2}],"training":{"epochs":3}}"#.utf8).write(to: good)
        let configuration = try NetworkConfiguration.load(from: good)
        #expect(configuration.training?.epochs == 3)
        #expect(try Network(configuration: configuration).trainableParameterCount == 10)

        let unnamed = NetworkConfiguration(name: "x", input: [4], layers: [LayerConfiguration(type: "dense", outputFeatures: 2)])
        #expect(message(of: { _ = try Network(configuration: unnamed) }).contains("needs a 'name'"))
        let tooBig = NetworkConfiguration(name: "x", input: [1, 4, 4], layers: [
            LayerConfiguration(type: "conv2d", name: "c", outputChannels: 2, kernelSize: 5),
        ])
        #expect(message(of: { _ = try Network(configuration: tooBig) }).contains("does not fit"))
    }

    @Test func randomGeneratorIsDeterministic() {
        var first = RandomGenerator(seed: 42), second = RandomGenerator(seed: 42)
        #expect((0..<5).map { _ in first.next() } == (0..<5).map { _ in second.next() })
        var generator = RandomGenerator(seed: 1)
        let uniforms = (0..<10_000).map { _ in generator.nextUnitFloat() }
        #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = uniforms.reduce(0, +) / 10_000
        #expect(abs(mean - 0.5) < 0.02)
        var order = Array(0..<10)
        generator.shuffle(&order)
        #expect(order.sorted() == Array(0..<10))
    }
}
