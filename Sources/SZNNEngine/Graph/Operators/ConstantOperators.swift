/// ONNX Constant: a value from the `value` tensor or `value_float(s)` / `value_int(s)` attributes.
final class ConstantOperator: GraphOperator {
    private let value: GraphValue

    init(_ node: GraphNode) throws {
        switch node.attributes["value"] ?? node.attributes["value_float"] ?? node.attributes["value_floats"]
            ?? node.attributes["value_int"] ?? node.attributes["value_ints"] {
        case .tensor(let constant)?: value = try constant.graphValue()
        case .float(let float)?: value = .float(FloatTensor(computedShape: [], values: [float]))
        case .floats(let floats)?: value = .float(FloatTensor(computedShape: [floats.count], values: floats))
        case .integer(let integer)?: value = .integer(IntegerTensor(shape: [], values: [integer]))
        case .integers(let integers)?: value = .integer(IntegerTensor(shape: [integers.count], values: integers))
        default: throw NodeAttributes(node).unsupported("a Constant without value, value_float(s) or value_int(s)")
        }
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] { [value] }
}

/// ONNX ConstantOfShape: a tensor of the input shape filled with `value` (one element; default float 0).
final class ConstantOfShapeOperator: GraphOperator {
    private let node: GraphNode
    private let fill: GraphConstant.Values

    init(_ node: GraphNode) throws {
        self.node = node
        switch node.attributes["value"] {
        case nil: fill = .float([0])
        case .tensor(let constant)?:
            switch constant.value {
            case .float(let values) where values.count == 1: fill = .float(values)
            case .integer(let values) where values.count == 1: fill = .integer(values)
            default: throw NodeAttributes(node).unsupported("a value that is not one element")
            }
        default: throw NodeAttributes(node).unsupported("a value that is not a tensor")
        }
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let shape = try ShapeArithmetic.data(inputs, node: node).integerValues()
        guard shape.allSatisfy({ $0 >= 0 }) else { throw NodeAttributes(node).unsupported("a negative size in \(shape)") }
        let count = shape.reduce(1, *)
        switch fill {
        case .float(let values): return [.float(FloatTensor(computedShape: shape, values: [Float](repeating: values[0], count: count)))]
        case .integer(let values): return [.integer(IntegerTensor(shape: shape, values: [Int](repeating: values[0], count: count)))]
        }
    }
}

/// ONNX Shape: the input's shape as an integer vector, cut to [start, end) (opset 15; clamped).
final class ShapeOperator: GraphOperator {
    private let node: GraphNode
    private let start: Int, end: Int?

    init(_ node: GraphNode) throws {
        self.node = node
        let attributes = NodeAttributes(node)
        start = try attributes.integer("start", default: 0)
        end = node.attributes["end"] == nil ? nil : try attributes.integer("end", default: 0)
    }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        let shape = try ShapeArithmetic.data(inputs, node: node).shape
        let rank = shape.count
        func clamp(_ position: Int) -> Int { min(max(position < 0 ? position + rank : position, 0), rank) }
        let first = clamp(start), last = max(first, clamp(end ?? rank))
        let values = Array(shape[first..<last])
        return [.integer(IntegerTensor(shape: [values.count], values: values))]
    }
}

/// ONNX Range: start, start + delta, … up to (excluding) limit, from three scalar inputs.
final class RangeOperator: GraphOperator {
    private let node: GraphNode

    init(_ node: GraphNode) { self.node = node }

    func forward(_ inputs: [GraphValue?], mode: ForwardMode) throws -> [GraphValue] {
        guard inputs.count == 3, let start = inputs[0], let limit = inputs[1], let delta = inputs[2],
              [start, limit, delta].allSatisfy({ $0.shape.reduce(1, *) == 1 }) else {
            throw NodeAttributes(node).unsupported("inputs that are not three scalars")
        }
        switch (start, limit, delta) {
        case (.integer(let s), .integer(let l), .integer(let d)):
            let (first, step) = (s.values[0], d.values[0])
            guard step != 0 else { throw NodeAttributes(node).unsupported("a delta of 0") }
            let count = max(0, (l.values[0] - first + step - (step > 0 ? 1 : -1)) / step)
            return [.integer(IntegerTensor(shape: [count], values: (0..<count).map { first + $0 * step }))]
        case (.float(let s), .float(let l), .float(let d)):
            let (first, step) = (s.values[0], d.values[0])
            guard step != 0 else { throw NodeAttributes(node).unsupported("a delta of 0") }
            let count = max(0, Int(((l.values[0] - first) / step).rounded(.up)))
            return [.float(FloatTensor(computedShape: [count], values: (0..<count).map { first + Float($0) * step }))]
        default:
            throw NodeAttributes(node).unsupported("mixing float and integer inputs")
        }
    }
}
