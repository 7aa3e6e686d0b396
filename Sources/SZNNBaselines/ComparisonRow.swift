import Foundation

/// One method's verified result at one target: what the `compare` table prints.
public struct ComparisonRow: Sendable {
    public let method: MethodName
    public let target: Double
    public let bytes: Int
    /// Float32 bytes of every parameter / `bytes`.
    public let ratio: Double
    /// Bits of the whole file per weight of the weight tensors.
    public let bitsPerWeight: Double
    public let validationAccuracy: Double
    public let testAccuracy: Double
    /// Validation top-1 drop against the uncompressed model, percentage points.
    public let validationLoss: Double
    /// Test top-1 drop, percentage points (reported, never searched on).
    public let testLoss: Double
    public let metTarget: Bool
    public let seconds: Double
    /// Full validation evaluations the search made.
    public let evaluations: Int
    public let setting: String
}
