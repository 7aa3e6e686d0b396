/// Builds the operator for a node by its type: the one list of what the graph engine runs.
///
/// Each family of operators registers its builders in its own table (`OperatorRegistry+…`).
enum OperatorRegistry {
    /// A builder receives the node and the graph's opset version.
    typealias Builder = @Sendable (GraphNode, Int) throws -> any GraphOperator

    /// Every supported operator type and its builder.
    static let builders: [String: Builder] = {
        var all: [String: Builder] = [:]
        for table in [basicOperators, linearOperators, tensorOperators] {
            all.merge(table) { first, _ in first }
        }
        return all
    }()

    /// The supported operator types, sorted, for messages and `--help`.
    static var supportedTypes: [String] { builders.keys.sorted() }

    /// The operator for `node`, or an error naming the node, its type and what is supported.
    static func makeOperator(for node: GraphNode, opsetVersion: Int) throws -> any GraphOperator {
        guard let builder = builders[node.operatorType] else {
            throw EngineError(.architectureMismatch,
                              "node \(node.displayName): operator '\(node.operatorType)' is not supported; supported: \(supportedTypes.joined(separator: ", "))")
        }
        return try builder(node, opsetVersion)
    }
}
