/// Prediction-mode fusion: a Conv runs the Relu and inference BatchNormalization after it on each
/// image's output while that is in cache, instead of each making a pass over the whole batch.
extension GraphProgram {
    /// `steps` with each chain Conv → (BatchNormalization | Relu)… folded into the Conv's step
    /// where every link alone reads the previous output (which is not the graph's output) and
    /// its other inputs are initializers nothing else reads (so running it early moves nothing).
    static func fusingEpilogues(_ steps: [Step], initializers: Set<String>, keep output: String) -> [Step] {
        var readers: [String: [Int]] = [:]
        for (index, step) in steps.enumerated() {
            for name in step.node.inputs where !name.isEmpty { readers[name, default: []].append(index) }
        }
        func soleReader(of name: String) -> Int? {
            guard name != output, let indices = readers[name], indices.count == 1 else { return nil }
            return indices[0]
        }
        var absorbed: Set<Int> = []
        var fused: [Step] = []
        for (index, step) in steps.enumerated() where !absorbed.contains(index) {
            var head = step
            if step.operation is ConvOperator {
                var last = step
                while last.node.outputs.count == 1, let next = soleReader(of: last.node.outputs[0]) {
                    let candidate = steps[next]
                    let parameters = candidate.node.inputs.dropFirst().filter { !$0.isEmpty }
                    guard candidate.operation is any EpilogueOperator, candidate.node.inputs.first == last.node.outputs[0],
                          candidate.node.outputs.count == 1,
                          parameters.allSatisfy({ initializers.contains($0) && soleReader(of: $0) == next }) else { break }
                    head.epilogues.append(candidate)
                    head.releases += candidate.releases
                    absorbed.insert(next)
                    last = candidate
                }
            }
            fused.append(head)
        }
        return fused
    }

    /// Runs a Conv step with its epilogues, or, when one of them declines these inputs, the
    /// Conv and then each of them as ordinary steps (which report what is wrong with the inputs).
    static func fusedForward(_ step: Step, _ inputs: [GraphValue?], values: [String: GraphValue]) throws -> [GraphValue] {
        guard let convolution = step.operation as? ConvOperator else { preconditionFailure("only a Conv takes epilogues") }
        let followerInputs = step.epilogues.map { follower in
            follower.node.inputs.enumerated().map { index, name in index == 0 || name.isEmpty ? nil : values[name] }
        }
        let weightShape = inputs.count > 1 ? inputs[1]?.shape ?? [] : []
        let channels = weightShape.first ?? 0
        let epilogues = zip(step.epilogues, followerInputs).compactMap { follower, inputs in
            (follower.operation as? any EpilogueOperator)?.epilogue(inputs, channels: channels)
        }
        if epilogues.count == step.epilogues.count {
            return try convolution.forward(inputs, mode: .prediction, epilogues: epilogues)
        }
        var outputs = try convolution.forward(inputs, mode: .prediction)
        for (follower, var inputs) in zip(step.epilogues, followerInputs) {
            inputs[0] = outputs.first
            outputs = try follower.operation.forward(inputs, mode: .prediction)
        }
        return outputs
    }
}
