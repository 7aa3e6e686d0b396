/// An operator that writes back into some of the graph's stored tensors: BatchNormalization's
/// running statistics, which arrive as input values but must persist from batch to batch.
///
/// `GraphProgram` binds the Parameters of those initializers once, after building the operator.
protocol BufferUpdatingOperator: GraphOperator {
    /// The input names of the tensors the operator updates.
    var bufferNames: [String] { get }
    /// Hands the operator the Parameters of its buffers that are graph initializers, by name.
    func bind(buffers: [String: Parameter])
}
