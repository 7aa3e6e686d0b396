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

/// The backend names accepted by `--backend`.
enum BackendName: String, ExpressibleByArgument, CaseIterable {
    case cabac, zstd, stored
}

extension ErrorBoundMode: ExpressibleByArgument {}

extension PredictorKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}
