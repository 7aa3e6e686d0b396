import Foundation
import Testing
@testable import SZNNEngine

/// Conv, MaxPool, AveragePool and BatchNormalization forwards against PyTorch outputs committed
/// in Tests/Fixtures/graph/torch_references.json (regenerate with make_torch_references.py beside it).
@Suite struct TorchReferenceTests {
    /// One fixture case: the operator, its ONNX attributes, inputs and PyTorch's outputs.
    struct Case: CustomStringConvertible {
        let name: String
        let node: GraphNode
        let training: Bool
        let inputs: [FloatTensor]
        let outputs: [FloatTensor]
        var description: String { name }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/graph/torch_references.json")
        guard let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = root["cases"] as? [[String: Any]] else { return [] }
        return entries.compactMap(Self.decode)
    }()

    private static func decode(_ entry: [String: Any]) -> Case? {
        guard let name = entry["name"] as? String, let type = entry["operator"] as? String,
              let attributeValues = entry["attributes"] as? [String: Any],
              let inputs = (entry["inputs"] as? [[String: Any]])?.compactMap(tensor),
              let outputs = (entry["outputs"] as? [[String: Any]])?.compactMap(tensor) else { return nil }
        var attributes: [String: GraphAttribute] = [:]
        for (key, value) in attributeValues {
            // JSON does not tell 0.9 from an integer-valued float: the float attributes are named.
            if let list = value as? [Int] {
                attributes[key] = .integers(list)
            } else if let number = value as? Double {
                attributes[key] = ["epsilon", "momentum"].contains(key) ? .float(Float(number)) : .integer(Int(number))
            }
        }
        let inputNames = ["x", "w", "b", "mean", "var"].prefix(inputs.count)
        let outputNames = ["y", "running_mean", "running_var"].prefix(outputs.count)
        return Case(name: name, node: testNode(type, inputs: Array(inputNames), outputs: Array(outputNames), attributes),
                    training: entry["training"] as? Bool ?? false, inputs: inputs, outputs: outputs)
    }

    private static func tensor(_ entry: [String: Any]) -> FloatTensor? {
        guard let shape = entry["shape"] as? [Int], let values = entry["values"] as? [Double] else { return nil }
        return try? FloatTensor(shape: shape, values: values.map(Float.init))
    }

    @Test func fixtureHasEveryCase() {
        #expect(Self.cases.count == 15)
    }

    @Test(arguments: cases) func forwardMatchesPyTorch(_ testCase: Case) throws {
        let operation: any GraphOperator = try OperatorRegistry.makeOperator(for: testCase.node, opsetVersion: 17)
        let outputs = try operation.forward(testCase.inputs.map { .float($0) }, mode: testCase.training ? .training : .inference)
        for (index, expected) in testCase.outputs.enumerated() {
            let actual = outputs[index].floats
            #expect(actual.shape == expected.shape, "\(testCase.name) output \(index)")
            let worst = maximumDifference(actual.values, expected.values)
            #expect(worst < 1e-5, "\(testCase.name) output \(index): max difference \(worst)")
        }
    }
}
