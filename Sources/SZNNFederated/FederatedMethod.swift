import Foundation
import SZNNCore

/// A way of exchanging updates that `sz-nn federated --methods` runs side by side.
public enum FederatedMethod: String, CaseIterable, Sendable {
    /// Plain FedAvg: every update up and down at 32 bits, once per round.
    case fedavg
    /// Top-k sparsification with error feedback (DGC-style), positions Golomb–Rice coded.
    case topk
    /// Sparse binary compression (SBC-style): top-k of one sign at its mean, Golomb–Rice positions.
    case sbc
    /// sz-nn, the default: bound = α × RMS of what a layer codes (update plus residual), DeepCABAC-coded.
    ///
    /// The default over `ebLoss` because, measured (Benchmarks/federated, iid, 12 rounds × 50
    /// steps), it reaches the higher accuracy in the same iterations (98.25 % at ×15,308 against
    /// 96.23 % at ×26,891) while both need about the same bits to reach 95 % (6.2 and 5.6 Mb).
    case eb
    /// sz-nn with the scale α adapted every round against the clients' training loss (`LossDrivenBoundScale`).
    case ebLoss = "eb-loss"

    /// The codec of a round in which the bound scale is `relativeBound`.
    func codec(settings: FederatedSettings, relativeBound: Double) throws -> any UpdateCodec {
        switch self {
        case .fedavg: Float32Codec()
        case .topk: try TopKCodec(fraction: settings.sparseFraction)
        case .sbc: try SparseBinaryCodec(fraction: settings.sparseFraction)
        case .eb, .ebLoss: try ErrorBoundedCodec(relativeBound: relativeBound)
        }
    }

    /// Whether the codec keeps what it cuts off (all but the exact 32-bit exchange).
    var usesErrorFeedback: Bool { self != .fedavg }

    /// Whether the codec is sz-nn's error-bounded one (its round has a bound scale α).
    var usesErrorBound: Bool { self == .eb || self == .ebLoss }

    /// Whether clients report their mean local loss each round (32 bits each, billed).
    var reportsLoss: Bool { self == .ebLoss }

    /// Parses a comma-separated list such as `fedavg,topk,sbc,eb`.
    public static func parseList(_ text: String) throws -> [FederatedMethod] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let methods = try names.map { name in
            guard let method = FederatedMethod(rawValue: name) else {
                throw SZNNError(.invalidArgument, "unknown federated method '\(name)'",
                                hint: "use any of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return method
        }
        guard !methods.isEmpty, Set(methods).count == methods.count else {
            throw SZNNError(.invalidArgument, "--methods needs at least one method, each once; got '\(text)'")
        }
        return methods
    }
}
