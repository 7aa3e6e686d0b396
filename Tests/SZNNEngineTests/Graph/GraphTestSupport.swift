@testable import SZNNEngine

extension GraphValue {
    /// The float tensor, or an empty one for an integer value (a shape check then fails visibly).
    var floats: FloatTensor {
        if case .float(let tensor) = self { return tensor }
        return FloatTensor(zeros: [0])
    }
}

extension Optional where Wrapped == GraphValue {
    /// The float tensor of a present value, or an empty one.
    var floats: FloatTensor { self?.floats ?? FloatTensor(zeros: [0]) }
}

/// A one-output node named after its type, for operator tests.
func testNode(_ type: String, inputs: [String], outputs: [String] = ["y"], _ attributes: [String: GraphAttribute] = [:]) -> GraphNode {
    GraphNode(name: type.lowercased(), operatorType: type, inputs: inputs, outputs: outputs, attributes: attributes)
}

/// The largest absolute difference of two equally long value arrays (infinity when the lengths differ).
func maximumDifference(_ first: [Float], _ second: [Float]) -> Float {
    guard first.count == second.count else { return .infinity }
    return zip(first, second).map { abs($0 - $1) }.max() ?? 0
}
