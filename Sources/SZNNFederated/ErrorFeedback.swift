/// What a sender's codec has cut off so far, per layer, added to its next update.
///
/// Invariant after `absorb`: sent + residual == update + previous residual (in float32, up to
/// one rounding per element), so nothing a bound or a sparsifier drops is lost, only delayed.
public struct ErrorFeedback: Sendable {
    /// The residual of each layer, in the model's layer order.
    public private(set) var residual: [[Float]]

    /// A sender that has cut off nothing yet.
    public init(layout: ParameterLayout) {
        residual = layout.shapes.map { [Float](repeating: 0, count: $0.reduce(1, *)) }
    }

    /// The update plus the residual: what the sender codes.
    public func corrected(_ update: [[Float]]) -> [[Float]] {
        zip(update, residual).map { layer, kept in zip(layer, kept).map { $0 + $1 } }
    }

    /// Keeps what the codec cut off from `corrected`: corrected − sent.
    public mutating func absorb(corrected: [[Float]], sent: [[Float]]) {
        residual = zip(corrected, sent).map { layer, decoded in zip(layer, decoded).map { $0 - $1 } }
    }
}

/// The names and shapes of the tensors an update holds (the network's trainable tensors, in order).
public struct ParameterLayout: Sendable, Equatable {
    public let names: [String]
    public let shapes: [[Int]]

    public init(names: [String], shapes: [[Int]]) {
        self.names = names
        self.shapes = shapes
    }

    /// Values over all tensors.
    public var parameterCount: Int { shapes.reduce(0) { $0 + $1.reduce(1, *) } }
}

/// One coded message of a whole update: its size and what the receiver decodes.
public struct CodedUpdate: Sendable {
    /// The bytes of every layer's message, summed.
    public var byteCount: Int
    /// The update the receiver rebuilds, per layer.
    public var decoded: [[Float]]

    /// Codes every layer of `corrected` with `codec` into bytes and decodes those bytes again.
    public init(corrected: [[Float]], layout: ParameterLayout, codec: any UpdateCodec) throws {
        var byteCount = 0
        var decoded: [[Float]] = []
        for (index, shape) in layout.shapes.enumerated() {
            let bytes = try codec.encode(corrected[index], shape: shape)
            byteCount += bytes.count
            decoded.append(try codec.decode(bytes, shape: shape))
        }
        self.byteCount = byteCount
        self.decoded = decoded
    }
}
