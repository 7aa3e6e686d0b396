import Foundation
import SZNNCore
import SZNNEngine
import SZNNTuner
import Testing

@Suite("README example")
struct ReadmeExampleTests {
    @Test("the README's training-loop example is the code Examples/client builds and runs (make client)")
    func example() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let client = try String(contentsOf: root.appendingPathComponent("Examples/client/Sources/client/main.swift"), encoding: .utf8)
        let code = try Self.example(in: client)
        #expect(code.contains("func trainWithBounds"))
        #expect(readme.contains(code), "README.md's example differs from Examples/client/Sources/client/main.swift")
    }

    /// The code between the README example markers of `source`.
    static func example(in source: String) throws -> String {
        let begin = "// BEGIN README EXAMPLE\n", end = "// END README EXAMPLE"
        return try #require(source.range(of: begin).flatMap { start in
            source.range(of: end).map { String(source[start.upperBound..<$0.lowerBound]) }
        })
    }

    @Test("the quantization surrogate puts the real reconstruction into the network")
    func quantizationSurrogate() throws {
        let (network, _, _) = try ErrorBoundTunerTests.fixture()
        let tensors = try ErrorBoundTunerTests.tunedTensors(network)
        let tuner = ErrorBoundTuner(tensors: tensors, initialBounds: [0.2, 0.2])
        tuner.surrogate = .quantizationError
        try tuner.perturb(network)
        #expect(try network.values(of: "fc1.weight") == (try tensors[0].reconstructed(bound: 0.2)))
        try tuner.restore(network)
        #expect(try network.values(of: "fc1.weight") == tensors[0].values)
    }
}
