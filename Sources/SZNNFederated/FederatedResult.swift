/// One round of one method, as the per-round line, the JSON log and the plot show it.
public struct RoundRecord: Sendable {
    public let method: FederatedMethod
    public let round: Int
    public let rounds: Int
    /// Top-1 of the clients' replica on the per-round test subset, in [0, 1].
    public let testAccuracy: Double
    /// The clients' mean training loss over the round's local steps.
    public let meanLoss: Double
    /// The bound scale α of the round (error-bounded methods only).
    public let relativeBound: Double?
    /// Bits uploaded by all clients this round.
    public let uploadBits: Int
    /// Bits downloaded by all clients this round.
    public let downloadBits: Int
    /// Everything exchanged so far.
    public let ledger: CommunicationLedger
    /// Wall time spent encoding and decoding this round's messages (all clients and the server).
    public let codingSeconds: Double
    /// Wall time of the round (training, coding, evaluation).
    public let seconds: Double
    /// Estimated seconds until this method's last round.
    public let secondsRemaining: Double
}

/// A finished run of one method.
public struct FederatedResult: Sendable {
    public let method: FederatedMethod
    public let rounds: [RoundRecord]
    /// Top-1 of the final replica on the whole test split, in [0, 1].
    public let finalTestAccuracy: Double
    public let testImages: Int
    public let ledger: CommunicationLedger

    /// Mean coding seconds per round.
    public var meanCodingSeconds: Double {
        rounds.isEmpty ? 0 : rounds.reduce(0) { $0 + $1.codingSeconds } / Double(rounds.count)
    }
}
