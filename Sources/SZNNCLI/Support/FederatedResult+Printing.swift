import Foundation
import SZNNFederated

/// The per-round line of `sz-nn federated`.
extension RoundRecord {
    /// Round, accuracy, this round's bits up and down, the factor so far, coding time and ETA.
    var line: String {
        let bound = relativeBound.map { " α \(Format.bound($0))" } ?? ""
        return "\(method.rawValue) round \(round)/\(rounds): test top-1 \(Format.number(testAccuracy * 100)) %, "
            + "up \(Format.bits(uploadBits)), down \(Format.bits(downloadBits)), factor ×\(Format.number(ledger.factor, digits: 0))"
            + "\(bound), coding \(Format.number(codingSeconds, digits: 3)) s, ETA \(Format.clock(secondsRemaining))"
    }

    var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "round": round, "test_accuracy": testAccuracy, "mean_training_loss": Terminal.finite(meanLoss),
            "upload_bits": uploadBits, "download_bits": downloadBits,
            "cumulative_bits_up": ledger.bitsUp, "cumulative_bits_down": ledger.bitsDown,
            "iterations": ledger.iterations, "factor": ledger.factor,
            "coding_seconds": codingSeconds, "round_seconds": seconds,
        ]
        if let relativeBound { object["relative_bound"] = relativeBound }
        return object
    }
}

/// The summary table and the JSON log of `sz-nn federated`.
extension FederatedResult {
    static func table(_ results: [FederatedResult]) -> String {
        var table = TextTable(["method", "rounds", "iterations", "test top-1", "bits up", "bits down", "factor", "coding s/round"])
        for result in results {
            table.add([result.method.rawValue, "\(result.rounds.count)", "\(result.ledger.iterations)",
                       Format.number(result.finalTestAccuracy, digits: 4), Format.bits(result.ledger.bitsUp),
                       Format.bits(result.ledger.bitsDown), "×" + Format.number(result.ledger.factor, digits: 0),
                       Format.number(result.meanCodingSeconds, digits: 3)])
        }
        return table.render()
    }

    static func jsonLog(_ results: [FederatedResult], settings: FederatedSettings, model: String) -> [String: Any] {
        [
            "model": model,
            "settings": [
                "clients": settings.clients, "rounds": settings.rounds, "local_steps": settings.localSteps,
                "batch_size": settings.batchSize, "learning_rate": Double(settings.learningRate), "learning_rate_decay": Double(settings.learningRateDecay),
                "momentum": Double(settings.momentum), "weight_decay": Double(settings.weightDecay),
                "split": settings.split.rawValue, "sparse_fraction": settings.sparseFraction,
                "relative_bound": settings.relativeBound, "download_bound_scale": settings.downloadBoundScale, "round_test_images": settings.roundTestImages, "seed": settings.seed,
            ] as [String: Any],
            "methods": results.map { result in
                [
                    "method": result.method.rawValue, "final_test_accuracy": result.finalTestAccuracy,
                    "test_images": result.testImages, "iterations": result.ledger.iterations,
                    "bits_up": result.ledger.bitsUp, "bits_down": result.ledger.bitsDown,
                    "reference_bits": result.ledger.referenceBits, "factor": result.ledger.factor,
                    "mean_coding_seconds": result.meanCodingSeconds, "rounds": result.rounds.map(\.jsonObject),
                ] as [String: Any]
            },
        ]
    }
}

extension Format {
    /// A bit count with an SI prefix (bits, not bytes: the federated tables count bits).
    static func bits(_ count: Int) -> String {
        let value = Double(count)
        if value < 1e4 { return "\(count) b" }
        if value < 1e7 { return String(format: "%.1f kb", value / 1e3) }
        if value < 1e10 { return String(format: "%.1f Mb", value / 1e6) }
        return String(format: "%.2f Gb", value / 1e9)
    }
}
