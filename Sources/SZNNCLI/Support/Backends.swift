import ArgumentParser
import SZNNCore
import SZNNWorkflow

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

extension BackendName: ExpressibleByArgument {}

extension ErrorBoundMode: ExpressibleByArgument {}
