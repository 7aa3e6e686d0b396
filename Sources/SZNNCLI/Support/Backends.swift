import ArgumentParser
import SZNNCABAC
import SZNNCore
import SZNNZstd

/// The entropy backends this build has, by command-line name and by container id.
enum Backends {
    /// Every backend this build can decode, keyed by the id records carry.
    static func all() throws -> [BackendIdentifier: any EntropyBackend] {
        [.stored: StoredBackend(), .zstd: try ZstdBackend(), .cabac: try CABACBackend()]
    }

    /// The backend a user named, configured from the options.
    static func make(_ name: BackendName, zstdLevel: Int) throws -> any EntropyBackend {
        switch name {
        case .stored: StoredBackend()
        case .zstd: try ZstdBackend(level: zstdLevel)
        case .cabac: try CABACBackend()
        }
    }
}

extension Backends {
    /// Bits to code a chunk's indices: CABAC's estimator, or any other backend's real encoded size.
    static func rateFunction(of backend: any EntropyBackend) -> ([Int32], [Int]) throws -> Double {
        if let cabac = backend as? CABACBackend {
            return { indices, shape in cabac.estimatedBits(indices: indices, shape: shape) }
        }
        return { indices, shape in Double(try backend.encode(indices: indices, shape: shape).count * 8) }
    }

    /// Bits to code a tensor at given settings, for the tuner's rate models.
    static func tensorRateFunction(of backend: any EntropyBackend) -> @Sendable (Tensor, TensorSettings) throws -> Double {
        if let cabac = backend as? CABACBackend {
            return { tensor, settings in try cabac.estimatedBits(tensor, settings: settings) }
        }
        return { tensor, settings in Double(try TensorEncoder.encode(tensor, settings: settings, backend: backend).payload.count * 8) }
    }
}

/// `--predictor`: a predictor kind, or `auto` to choose one per tensor.
enum PredictorChoice: ExpressibleByArgument, Equatable {
    case automatic
    case fixed(PredictorKind)

    init?(argument: String) {
        if argument == "auto" { self = .automatic; return }
        guard let kind = PredictorKind(name: argument) else { return nil }
        self = .fixed(kind)
    }

    /// The fixed kind, or nil for `auto`.
    var kind: PredictorKind? {
        if case .fixed(let kind) = self { return kind }
        return nil
    }

    static var allValueStrings: [String] { ["auto"] + PredictorKind.allCases.map(\.name) }
}

/// The backend names accepted by `--backend`.
enum BackendName: String, ExpressibleByArgument, CaseIterable {
    case cabac, zstd, stored
}

extension ErrorBoundMode: ExpressibleByArgument {}
