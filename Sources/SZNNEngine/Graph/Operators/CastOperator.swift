/// ONNX Cast by the `to` data type: floating types (float, float16, double, bfloat16) give a
/// float tensor, integer types an integer one (floats truncated toward zero), bool 0/1. Values
/// stay binary32 for narrower float types. The gradient passes for float → float.
final class CastOperator: GraphOperator {
    private enum Target { case float, integer, boolean }

    private let node: GraphNode
    private let target: Target
    private var passesGradient = false

    init(_ node: GraphNode) throws {
        self.node = node
        let type = try NodeAttributes(node).integer("to", default: 0)
        switch type {
        case 1, 10, 11, 16: target = .float
        case 2, 3, 4, 5, 6, 7, 12, 13: target = .integer
        case 9: target = .boolean
        default: throw NodeAttributes(node).unsupported("to = \(type) (ONNX data type)")
        }
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let data = try ShapeArithmetic.data(inputs, node: node)
        passesGradient = false
        switch (data, target) {
        case (.float, .float):
            passesGradient = true
            return [data]
        case (.integer(let tensor), .float):
            return [.float(FloatTensor(computedShape: tensor.shape, values: tensor.values.map { Float($0) }))]
        case (.integer, .integer):
            return [data]
        case (.integer(let tensor), .boolean):
            return [.integer(IntegerTensor(shape: tensor.shape, values: tensor.values.map { $0 != 0 ? 1 : 0 }))]
        case (.float(let tensor), .boolean):
            return [.integer(IntegerTensor(shape: tensor.shape, values: tensor.values.map { $0 != 0 ? 1 : 0 }))]
        case (.float(let tensor), .integer):
            guard tensor.values.allSatisfy({ $0.isFinite && abs($0) < 9.2e18 }) else {
                throw NodeAttributes(node).unsupported("casting a non-finite or out-of-range float to an integer")
            }
            return [.integer(IntegerTensor(shape: tensor.shape, values: tensor.values.map { Int($0) }))]
        }
    }

    func backward(_ outputGradients: [FloatTensor?], needed: [Bool]) throws -> [FloatTensor?] {
        [passesGradient && needed.first == true ? outputGradients.first ?? nil : nil]
    }
}
