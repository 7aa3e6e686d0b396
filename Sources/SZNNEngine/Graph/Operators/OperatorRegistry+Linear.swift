/// The linear and spatial operators: Gemm, MatMul, Conv, the pools, BatchNormalization,
/// Flatten and Dropout.
extension OperatorRegistry {
    static let linearOperators: [String: Builder] = [
        "Gemm": { node, _ in try GemmOperator(node) },
        "MatMul": { node, _ in MatMulOperator(node) },
        "Conv": { node, _ in try ConvOperator(node) },
        "MaxPool": { node, _ in try MaxPoolOperator(node) },
        "AveragePool": { node, _ in try AveragePoolOperator(node) },
        "GlobalAveragePool": { node, _ in GlobalPoolOperator(node, reduction: .average) },
        "GlobalMaxPool": { node, _ in GlobalPoolOperator(node, reduction: .maximum) },
        "BatchNormalization": { node, _ in try BatchNormalizationOperator(node) },
        "Flatten": { node, _ in try FlattenOperator(node) },
        "Dropout": { node, _ in try DropoutOperator(node) },
    ]
}
