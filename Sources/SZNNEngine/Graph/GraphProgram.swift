/// A checked, runnable graph: nodes in execution order with their operators, float initializers
/// as `Parameter`s, and the bookkeeping that lets `backward` reach every parameter.
///
/// Values are kept only until their last use in `forward`; operators cache what their own
/// `backward` needs, so peak memory is the live activations plus those caches.
final class GraphProgram {
    let description: GraphDescription
    /// The data input's name and its per-sample shape (the first dimension is the batch).
    let inputName: String
    let sampleShape: [Int]
    /// Every float initializer, in the description's order.
    let parameters: [Parameter]
    private let steps: [Step]
    /// `steps` with the Relu and BatchNormalization nodes that can run as a Conv's epilogue
    /// folded into it, for `ForwardMode.prediction`.
    let predictionSteps: [Step]
    private let constants: [String: GraphValue]
    private let parameterByName: [String: Parameter]
    private let outputName: String

    /// One node ready to run: its operator, edges, and which inputs need a gradient.
    struct Step {
        let node: GraphNode
        let operation: any GraphOperator
        let inputsNeedingGradient: [Bool]
        /// True when some input leads back to a trainable parameter (backward must visit it).
        var needsBackward: Bool { inputsNeedingGradient.contains(true) }
        /// Values whose last use is this step, released after it runs.
        var releases: [String]
        /// Following steps run on this one's output image by image (a Conv's, when predicting).
        var epilogues: [Step] = []
        /// The names this step's outputs take: its last epilogue's, when it has epilogues.
        var outputNames: [String] { epilogues.last?.node.outputs ?? node.outputs }
    }

    init(_ description: GraphDescription) throws {
        self.description = description
        guard description.inputs.count == 1, let input = description.inputs.first else {
            throw EngineError(.architectureMismatch,
                              "graph '\(description.name)' has \(description.inputs.count) data inputs (\(description.inputs.map(\.name).joined(separator: ", "))); sz-nn runs graphs with exactly one")
        }
        guard let output = description.outputs.first else {
            throw EngineError(.architectureMismatch, "graph '\(description.name)' has no output")
        }
        let sample = input.shape.dropFirst()
        guard input.shape.count >= 2, sample.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw EngineError(.architectureMismatch,
                              "input '\(input.name)' has shape \(input.shape.map { $0.map(String.init) ?? "?" }); sz-nn needs [batch, fixed sizes…]")
        }
        inputName = input.name
        sampleShape = sample.map { $0! }
        outputName = output
        let buffers = Self.bufferNames(description.nodes)
        var parameters: [Parameter] = [], constants: [String: GraphValue] = [:]
        for initializer in description.initializers {
            guard constants[initializer.name] == nil, !parameters.contains(where: { $0.name == initializer.name }) else {
                throw EngineError(.architectureMismatch, "graph '\(description.name)' has two initializers named '\(initializer.name)'")
            }
            let value = try initializer.graphValue()
            if case .float(let tensor) = value {
                parameters.append(Parameter(name: initializer.name, shape: tensor.shape, values: tensor.values,
                                            isTrainable: !buffers.contains(initializer.name)))
            } else {
                constants[initializer.name] = value
            }
        }
        self.parameters = parameters
        self.constants = constants
        parameterByName = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
        let ordered = try GraphOrdering.sorted(description.nodes,
                                               available: Set([input.name]).union(constants.keys).union(parameterByName.keys),
                                               graphName: description.name)
        steps = try Self.makeSteps(ordered, description: description, parameters: parameterByName,
                                   trainable: Set(parameters.filter(\.isTrainable).map(\.name)), keep: output)
        predictionSteps = Self.fusingEpilogues(steps, initializers: Set(constants.keys).union(parameterByName.keys), keep: output)
    }

    /// Runs the graph on a batch `[N] + sampleShape` and returns its first output.
    func forward(_ input: FloatTensor, mode: ForwardMode) throws -> FloatTensor {
        var values = constants
        values[inputName] = .float(input)
        for parameter in parameters {
            values[parameter.name] = .float(FloatTensor(computedShape: parameter.shape, values: parameter.values))
        }
        for step in mode == .prediction ? predictionSteps : steps {
            let inputs = step.node.inputs.map { $0.isEmpty ? nil : values[$0] }
            let outputs = step.epilogues.isEmpty
                ? try step.operation.forward(inputs, mode: mode) : try Self.fusedForward(step, inputs, values: values)
            for (name, value) in zip(step.outputNames, outputs) where !name.isEmpty { values[name] = value }
            for name in step.releases { values[name] = nil }
        }
        guard let result = values[outputName] else {
            throw EngineError(.architectureMismatch, "graph '\(description.name)': output '\(outputName)' was never computed")
        }
        guard case .float(let logits) = result, logits.shape.count == 2, logits.shape[0] == input.batchSize else {
            throw EngineError(.architectureMismatch,
                              "graph '\(description.name)': output '\(outputName)' has shape \(result.shape); sz-nn needs logits [batch, classes]")
        }
        return logits
    }

    /// Back-propagates d(loss)/d(output) and sets every trainable parameter's gradient (summed over its uses).
    func backward(_ outputGradient: FloatTensor) throws {
        for parameter in parameters where parameter.isTrainable {
            parameter.gradient = [Float](repeating: 0, count: parameter.count)
        }
        var gradients: [String: FloatTensor] = [outputName: outputGradient]
        for step in steps.reversed() where step.needsBackward {
            let outputGradients = step.node.outputs.map { gradients.removeValue(forKey: $0) }
            guard outputGradients.contains(where: { $0 != nil }) else { continue }
            let inputGradients = try step.operation.backward(outputGradients, needed: step.inputsNeedingGradient)
            for (index, name) in step.node.inputs.enumerated() where step.inputsNeedingGradient[index] {
                guard index < inputGradients.count, let gradient = inputGradients[index] else { continue }
                if let parameter = parameterByName[name] {
                    Self.accumulate(gradient.values, into: &parameter.gradient)
                } else if var existing = gradients[name] {
                    Self.accumulate(gradient.values, into: &existing.values)
                    gradients[name] = existing
                } else {
                    gradients[name] = gradient
                }
            }
        }
    }

    private static func accumulate(_ source: [Float], into destination: inout [Float]) {
        precondition(source.count == destination.count, "gradient of the wrong size")
        source.withUnsafeBufferPointer { s in
            destination.withUnsafeMutableBufferPointer { d in
                for index in 0..<d.count { d[index] += s[index] }
            }
        }
    }

    /// BatchNormalization's running mean and variance (inputs 3 and 4): saved, never trained.
    private static func bufferNames(_ nodes: [GraphNode]) -> Set<String> {
        var names: Set<String> = []
        for node in nodes where node.operatorType == "BatchNormalization" {
            names.formUnion(node.inputs.dropFirst(3).prefix(2).filter { !$0.isEmpty })
        }
        return names
    }

    private static func makeSteps(_ nodes: [GraphNode], description: GraphDescription, parameters: [String: Parameter],
                                  trainable: Set<String>, keep output: String) throws -> [Step] {
        var lastUse: [String: Int] = [:]
        for (index, node) in nodes.enumerated() { for name in node.inputs where !name.isEmpty { lastUse[name] = index } }
        var releases = [[String]](repeating: [], count: nodes.count)
        for (name, index) in lastUse where name != output { releases[index].append(name) }
        var dependsOnParameter = trainable
        return try nodes.enumerated().map { index, node in
            let needing = node.inputs.map { !$0.isEmpty && dependsOnParameter.contains($0) }
            if needing.contains(true) { dependsOnParameter.formUnion(node.outputs) }
            let operation = try OperatorRegistry.makeOperator(for: node, opsetVersion: description.opsetVersion)
            if let updating = operation as? any BufferUpdatingOperator {
                updating.bind(buffers: parameters.filter { updating.bufferNames.contains($0.key) })
            }
            return Step(node: node, operation: operation, inputsNeedingGradient: needing, releases: releases[index])
        }
    }
}
