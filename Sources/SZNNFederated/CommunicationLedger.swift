/// The bits a federated run has exchanged and its compression factor, as the DeepCABAC
/// federated table counts it.
///
/// The reference is synchronous SGD without compression over the same number of iterations:
/// every client uploads and downloads every parameter at 32 bits at every iteration, so
/// reference = clients × iterations × 2 × 32 × parameters. The factor is reference / (bits up
/// + bits down). A download is billed once per client that receives it.
public struct CommunicationLedger: Sendable, Equatable {
    public let clients: Int
    public let parameterCount: Int
    /// Local steps each client has taken (the iterations of the reference run).
    public private(set) var iterations = 0
    /// Bits all clients have uploaded.
    public private(set) var bitsUp = 0
    /// Bits all clients have downloaded (each broadcast counted once per client).
    public private(set) var bitsDown = 0

    public init(clients: Int, parameterCount: Int) {
        self.clients = clients
        self.parameterCount = parameterCount
    }

    /// Bills one round: `localSteps` iterations, the uploads' total bytes and one broadcast of `downloadBytes`.
    public mutating func addRound(localSteps: Int, uploadBytes: Int, downloadBytes: Int) {
        iterations += localSteps
        bitsUp += 8 * uploadBytes
        bitsDown += 8 * downloadBytes * clients
    }

    /// The bits the uncompressed synchronous-SGD reference would have exchanged by now.
    public var referenceBits: Double { Double(clients) * Double(iterations) * 2 * 32 * Double(parameterCount) }

    /// Reference bits over bits sent (0 before anything was sent).
    public var factor: Double {
        let sent = Double(bitsUp) + Double(bitsDown)
        return sent > 0 ? referenceBits / sent : 0
    }
}
