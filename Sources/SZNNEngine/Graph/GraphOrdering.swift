/// Puts a graph's nodes in an order where every input is computed before it is used.
enum GraphOrdering {
    /// The nodes in a valid execution order (the given order when it already is one; ONNX files
    /// are required to be sorted, but a stable topological sort costs little and forgives them).
    ///
    /// Throws when an input is produced by no node and is no graph input or initializer, when two
    /// nodes produce the same value, or when the nodes form a cycle.
    static func sorted(_ nodes: [GraphNode], available: Set<String>, graphName: String) throws -> [GraphNode] {
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for name in node.outputs where !name.isEmpty {
                guard producer.updateValue(index, forKey: name) == nil, !available.contains(name) else {
                    throw EngineError(.architectureMismatch, "graph '\(graphName)': value '\(name)' is produced twice")
                }
            }
        }
        for node in nodes {
            for name in node.inputs where !name.isEmpty && producer[name] == nil && !available.contains(name) {
                throw EngineError(.architectureMismatch,
                                  "graph '\(graphName)': node \(node.displayName) (\(node.operatorType)) reads '\(name)', which nothing produces")
            }
        }
        var order: [GraphNode] = [], done = [Bool](repeating: false, count: nodes.count)
        var ready = available
        var progressed = true
        while order.count < nodes.count && progressed {
            progressed = false
            for (index, node) in nodes.enumerated() where !done[index]
                && node.inputs.allSatisfy({ $0.isEmpty || ready.contains($0) }) {
                done[index] = true
                order.append(node)
                ready.formUnion(node.outputs)
                progressed = true
            }
        }
        guard order.count == nodes.count else {
            let stuck = nodes.indices.first { !done[$0] }.map { nodes[$0].displayName } ?? "?"
            throw EngineError(.architectureMismatch, "graph '\(graphName)' has a cycle through node \(stuck)")
        }
        return order
    }
}
