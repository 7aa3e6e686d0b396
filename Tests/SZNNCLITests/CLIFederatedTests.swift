import Foundation
import SZNNCore
import Testing

/// `sz-nn federated` end to end on a tiny dense network and a few hundred MNIST images.
@Suite("CLI federated")
struct CLIFederatedTests {
    @Test("federated runs two methods, prints a line per round and writes the JSON log and the SVG plot")
    func federatedEndToEnd() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let (bytes, labels) = try CLIDataTests.testImages()
        let images = try Tensor(name: "x", shape: [CLIDataTests.imageCount, 1, 28, 28], float32: CLIDataTests.idxPixels(bytes))
        var tensors: [Tensor] = []
        for split in ["train", "val", "test"] {
            var x = images, y = try CLIDataTests.labelsTensor(labels)
            x.name = "x_\(split)"
            y.name = "y_\(split)"
            tensors += [x, y]
        }
        try NumpyArchive.encode(Model(tensors: tensors), deflated: false).write(to: URL(fileURLWithPath: harness.path("tiny.npz")))
        let configuration = #"{"name": "tiny", "input": [1, 28, 28], "layers": [{"type": "flatten"}, {"type": "dense", "name": "fc", "outputFeatures": 10}]}"#
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: harness.path("tiny.json")))

        let outcome = try harness.run("federated", "--model", harness.path("tiny.json"), "--data", harness.path("tiny.npz"),
                                      "--clients", "2", "--rounds", "2", "--local-steps", "2", "--batch-size", "8",
                                      "--round-test-images", "50", "--methods", "fedavg,eb",
                                      "--log", harness.path("log.json"), "--plot", harness.path("plot.svg"))
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("eb round 2/2: test top-1"))
        #expect(outcome.standardOutput.contains("fedavg"))
        let log = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: harness.path("log.json")))) as? [String: Any]
        let methods = log?["methods"] as? [[String: Any]] ?? []
        #expect(methods.map { $0["method"] as? String } == ["fedavg", "eb"])
        // FedAvg at 32 bits every 2 local steps: the factor is the number of local steps.
        #expect(methods.first?["factor"] as? Double == 2)
        #expect((methods.last?["rounds"] as? [Any])?.count == 2)
        #expect(try String(contentsOfFile: harness.path("plot.svg"), encoding: .utf8).hasPrefix("<svg"))
    }

    @Test("an unknown method is a usage error")
    func unknownMethod() throws {
        let harness = try CLIHarness()
        defer { harness.cleanUp() }
        let outcome = try harness.run("federated", "--methods", "fedavg,zip")
        #expect(outcome.status == 64)
        #expect(outcome.errorLines.count == 1)
    }
}
