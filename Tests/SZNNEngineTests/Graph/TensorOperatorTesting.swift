@testable import SZNNEngine

/// Builders shared by the tensor-operator tests: nodes through the registry and small literal values.
enum TensorOperatorTesting {
    /// The registered operator for a node of `type` with `inputs` and `outputs` edges (names generated).
    static func make(_ type: String, inputs: Int = 1, outputs: Int = 1,
                     _ attributes: [String: GraphAttribute] = [:], opset: Int = 17) throws -> any GraphOperator {
        let node = GraphNode(name: "n", operatorType: type, inputs: (0..<inputs).map { "i\($0)" },
                             outputs: (0..<outputs).map { "o\($0)" }, attributes: attributes)
        return try OperatorRegistry.makeOperator(for: node, opsetVersion: opset)
    }

    /// An integer graph value.
    static func integers(_ values: [Int], shape: [Int]? = nil) -> GraphValue {
        .integer(IntegerTensor(shape: shape ?? [values.count], values: values))
    }

    /// A float graph value.
    static func floats(_ values: [Float], shape: [Int]? = nil) -> GraphValue {
        .float(FloatTensor(computedShape: shape ?? [values.count], values: values))
    }

    /// Runs `operation` and returns its first output.
    static func run(_ operation: any GraphOperator, _ inputs: [GraphValue?]) throws -> GraphValue {
        try operation.forward(inputs, mode: .inference)[0]
    }
}

extension GraphValue {
    /// The float elements (empty for an integer value), for expectations.
    var floatValues: [Float] {
        if case .float(let tensor) = self { tensor.values } else { [] }
    }

    /// The integer elements (empty for a float value), for expectations.
    var intValues: [Int] {
        if case .integer(let tensor) = self { tensor.values } else { [] }
    }
}
