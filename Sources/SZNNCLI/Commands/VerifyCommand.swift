import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow

/// `sz-nn verify`: checks every element of a compressed or reconstructed model against its bound.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every weight of OTHER is within its error bound of ORIGINAL.",
        discussion: HelpExamples.discussion("""
        OTHER is a .sznn file (its own per-tensor bounds are checked) or a reconstructed \
        .safetensors/.npz (checked against --error-bound/--mode if given, else only measured). \
        Prints max abs error, bound held, RMSE, PSNR and ratio per tensor; exits 1 if any bound is broken. \
        An update file is decoded against --base first; ORIGINAL is then the new model it was made from.
        """, examples: [
            ("check that every weight is within its file's bound", "sz-nn verify model.safetensors model.sznn"),
            ("the same for an update", "sz-nn verify new.safetensors update.sznn --base base.sznn"),
        ])
    )

    @Argument(help: "The original model.")
    var original: String

    @Argument(help: "The .sznn file or the reconstructed model to check.")
    var other: String

    @Option(name: .long, parsing: .unconditional, help: "For a reconstructed OTHER: the bound to check against.")
    var errorBound: Double?

    @Option(name: .long, help: "How --error-bound is read: abs or rel.")
    var mode: ErrorBoundMode = .absolute

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    /// The model an update file OTHER was coded against.
    @OptionGroup var baseOptions: BaseOptions

    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        if let errorBound, !(errorBound.isFinite && errorBound >= 0) {
            throw ValidationError("--error-bound must be a finite number >= 0")
        }
    }

    func run() throws {
        let originalModel = try ModelFile.read(from: URL(fileURLWithPath: original))
        let otherURL = URL(fileURLWithPath: other)
        var records: [String: TensorRecord] = [:]
        let otherModel: Model
        if ModelLoader.isContainer(otherURL) {
            let container = try ModelLoader.readContainer(otherURL)
            for record in container.records { records[record.name] = record }
            otherModel = try ModelLoader.decompress(container, from: otherURL, budget: memory.budget,
                                                    base: try baseOptions.load(budget: memory.budget))
        } else {
            otherModel = try ModelFile.read(from: otherURL)
        }
        let originalNames = Set(originalModel.tensors.map(\.name))
        if let extra = otherModel.tensors.first(where: { !originalNames.contains($0.name) }) {
            throw SZNNError(.architectureMismatch, "tensor '\(extra.name)' of \(other) is not in \(original)")
        }
        var rows: [(TensorComparison, TensorRecord?)] = []
        for tensor in originalModel.tensors {
            guard let reconstructed = otherModel[tensor.name] else {
                throw SZNNError(.architectureMismatch, "tensor '\(tensor.name)' of \(original) is missing from \(other)")
            }
            let record = records[tensor.name]
            let bounds = try record.map { record in
                BoundLookup(bounds: try record.bounds ?? ErrorBounds(uniform: 0), shape: tensor.shape)
            } ?? errorBound.map { BoundLookup(bounds: try ErrorBounds.resolve(mode: mode, value: $0, for: tensor), shape: tensor.shape) }
            rows.append((try TensorComparison(original: tensor, other: reconstructed, bounds: bounds), record))
        }
        try report(rows)
        let broken = rows.filter { $0.0.violations > 0 }
        if let first = broken.first {
            throw SZNNError(.errorBoundViolated, "\(broken.count) tensor(s) break their bound, first '\(first.0.name)' (\(first.0.violations) elements)",
                            hint: "the file was not written by a correct sz-nn, or was altered")
        }
    }

    private func report(_ rows: [(TensorComparison, TensorRecord?)]) throws {
        func held(_ row: TensorComparison) -> String { row.checked ? (row.violations == 0 ? "yes" : "NO") : "-" }
        func ratio(_ record: TensorRecord?) -> Double? {
            record.map { Double($0.originalByteCount) / Double(max($0.payload.count, 1)) }
        }
        if json {
            try Terminal.printJSON(["tensors": rows.map { row, record -> [String: Any] in
                // The file's own per-tensor object (when OTHER is a .sznn), then what verify measured.
                var entry = record.map(ContainerReport.json) ?? ["name": row.name, "elements": row.elementCount]
                entry["bound_checked"] = row.checked
                entry["violations"] = row.violations
                entry["max_abs_error"] = Terminal.finite(row.maximumError)
                entry["rmse"] = Terminal.finite(row.rootMeanSquareError)
                entry["psnr_db"] = Terminal.finite(row.peakSignalToNoise)
                if record == nil, let bound = errorBound { entry["error_bound_max"] = bound }
                return entry
            }, "all_bounds_held": rows.allSatisfy { $0.0.violations == 0 }])
            return
        }
        var table = TextTable(["tensor", "elements", "max abs error", "bound", "held", "RMSE", "PSNR dB", "ratio"])
        for (row, record) in rows {
            let bound = record.map { $0.bounds.map { Format.bound($0.maximum) } ?? "0 (lossless)" } ?? errorBound.map(Format.bound) ?? "-"
            table.add([row.name, "\(row.elementCount)", String(format: "%.3g", row.maximumError), bound, held(row),
                       String(format: "%.3g", row.rootMeanSquareError), Format.number(row.peakSignalToNoise, digits: 1),
                       ratio(record).map { Format.number($0) + "×" } ?? "-"])
        }
        print(table.render())
        let checked = rows.filter { $0.0.checked }
        print(checked.isEmpty ? "no bounds to check: pass --error-bound to check a reconstructed file"
              : "bound held for \(checked.filter { $0.0.violations == 0 }.count) of \(checked.count) tensors")
    }
}
