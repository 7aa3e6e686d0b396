import Foundation
import SZNNCore
import SZNNWorkflow

extension CompressionReport {
    /// Prints the report to standard output: the text form, or JSON with `json`.
    func print(target: Double, output: String, json: Bool) throws {
        if json {
            var object = self.json(target: target)
            object["output"] = output
            try Terminal.printJSON(object)
        } else {
            Swift.print(text(target: target))
            Swift.print("wrote \(output)")
        }
    }

    /// The per-layer table, sizes, accuracies and time.
    func text(target: Double) -> String {
        var table = TextTable(["tensor", "parameters", "learned bound", "predictor", "bits/weight", "ratio"])
        for record in container.records {
            let bits = record.elementCount == 0 ? 0 : Double(record.payload.count * 8) / Double(record.elementCount)
            table.add([record.name, "\(record.elementCount)", record.bounds.map { Format.bound($0.maximum) } ?? "lossless",
                       ContainerReport.Row(record: record).predictorText, Format.number(bits, digits: 3),
                       Format.number(Double(record.originalByteCount) / Double(max(record.payload.count, 1))) + "×"])
        }
        let originalBytes = container.records.reduce(0) { $0 + $1.originalByteCount }
        let lines = [
            table.render(),
            "total: \(Format.bytes(fileBytes)) from \(Format.bytes(originalBytes)) of weights: \(Format.number(Double(originalBytes) / Double(max(fileBytes, 1))))×",
            String(format: "top-1 validation: %.2f%% → %.2f%% (drop %.2f pp, target %.2f pp)", original.validation * 100, compressed.validation * 100,
                   (original.validation - compressed.validation) * 100, target),
            String(format: "top-1 test:       %.2f%% → %.2f%% (drop %.2f pp, reported, not tuned on)", original.test * 100, compressed.test * 100,
                   (original.test - compressed.test) * 100),
            String(format: "%d validation evaluations, %.1f s", evaluations, seconds),
        ] + (confirmation.map { ["promise: " + $0.summary] } ?? []) + data.summaryLines
            + (container.base.map { ["update: \(container.records.filter { $0.storage == .delta }.count) of \(container.records.count) tensors coded against the base, SHA-256 \($0.hexDigest)"] } ?? [])
        return lines.joined(separator: "\n")
    }

    /// The same as a JSON object.
    func json(target: Double) -> [String: Any] {
        let originalBytes = container.records.reduce(0) { $0 + $1.originalByteCount }
        return [
            "tensors": container.records.map(ContainerReport.json),
            "file_bytes": fileBytes, "original_bytes": originalBytes,
            "graph_bytes": ContainerEncoder.graphBlockByteCount(container.graph), "ratio": Double(originalBytes) / Double(max(fileBytes, 1)),
            "target_acc_loss": target,
            "validation": ["original": original.validation, "compressed": compressed.validation],
            "test": ["original": original.test, "compressed": compressed.test],
            "validation_drop_pp": (original.validation - compressed.validation) * 100, "test_drop_pp": (original.test - compressed.test) * 100,
            "evaluations": evaluations, "seconds": seconds, "data": data.jsonObject,
            "confirmation": confirmation.map { confirmation -> Any in
                ["confidence": confirmation.confidence, "images": confirmation.drop.images, "lost": confirmation.drop.lost,
                 "gained": confirmation.drop.gained, "observed_drop_pp": confirmation.drop.observed,
                 "upper_bound_drop_pp": confirmation.upperBound, "bound_scale": confirmation.scale,
                 "estimated_size_cost_fraction": confirmation.confirmedBits / max(confirmation.searchedBits, 1) - 1]
            } ?? NSNull(),
        ]
    }
}
