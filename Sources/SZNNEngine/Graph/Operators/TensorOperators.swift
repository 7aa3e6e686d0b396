/// Elementwise, shape and transformer operators (filled in by their own files).
extension OperatorRegistry {
    static let tensorOperators: [String: Builder] = [:]
}
