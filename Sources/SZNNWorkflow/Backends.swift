import SZNNCABAC
import SZNNCore
import SZNNZstd

/// The entropy backends this build has, by command-line name and by container id.
public enum Backends {
    /// Every backend this build can decode, keyed by the id records carry.
    public static func all() throws -> [BackendIdentifier: any EntropyBackend] {
        [.stored: StoredBackend(), .zstd: try ZstdBackend(), .cabac: try CABACBackend()]
    }

    /// The backend a user named, configured from the options.
    public static func make(_ name: BackendName, zstdLevel: Int) throws -> any EntropyBackend {
        switch name {
        case .stored: StoredBackend()
        case .zstd: try ZstdBackend(level: zstdLevel)
        case .cabac: try CABACBackend()
        }
    }
}

extension Backends {
    /// Bits to code a chunk's indices: CABAC's estimator, or any other backend's real encoded size.
    public static func rateFunction(of backend: any EntropyBackend) -> ([Int32], [Int]) throws -> Double {
        if let cabac = backend as? CABACBackend {
            return { indices, shape in cabac.estimatedBits(indices: indices, shape: shape) }
        }
        return { indices, shape in Double(try backend.encode(indices: indices, shape: shape).count * 8) }
    }

    /// Bits to code a tensor at given settings, for the tuner's rate models.
    public static func tensorRateFunction(of backend: any EntropyBackend) -> @Sendable (Tensor, TensorSettings) throws -> Double {
        if let cabac = backend as? CABACBackend {
            return { tensor, settings in try cabac.estimatedBits(tensor, settings: settings) }
        }
        return { tensor, settings in Double(try TensorEncoder.encode(tensor, settings: settings, backend: backend).payload.count * 8) }
    }
}

/// The backend names accepted by `--backend`.
public enum BackendName: String, CaseIterable, Sendable {
    case cabac, zstd, stored
}
