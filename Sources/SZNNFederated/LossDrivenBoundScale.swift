/// The self-adaptive part of the `eb-loss` method: the bound scale α moved every round against the
/// clients' training loss.
///
/// While the mean local loss keeps falling, the updates carry less than the bound can afford
/// to cut, so α grows by `growth`; when it stalls or rises, the cut (delayed by error
/// feedback) is hurting, so α shrinks by `shrink`. α stays within [α₀ / 2, α₀ × 2]: the loss
/// falls in almost every round of a short run, so without a ceiling α would only grow. The signal costs each
/// client 32 bits a round, which the ledger bills.
public struct LossDrivenBoundScale: Sendable {
    public private(set) var relativeBound: Double
    let smallest: Double
    let largest: Double
    private var previousLoss: Double?
    static let growth = 1.25
    static let shrink = 0.6

    public init(initial: Double) {
        relativeBound = initial
        smallest = initial / 2
        largest = initial * 2
    }

    /// Takes the clients' mean training loss of the round just finished and sets the next α.
    public mutating func observe(meanLoss: Double) {
        defer { previousLoss = meanLoss }
        guard let previousLoss, meanLoss.isFinite else { return }
        let factor = meanLoss < previousLoss ? LossDrivenBoundScale.growth : LossDrivenBoundScale.shrink
        relativeBound = min(largest, max(smallest, relativeBound * factor))
    }
}
