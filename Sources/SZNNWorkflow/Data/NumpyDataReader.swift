import Foundation
import SZNNCore

/// Reads the examples of a `.npz` data file.
///
/// Arrays: `x` (N × sample shape; float16/32/64 or uint8) and optionally `y` (N integer labels
/// ≥ 0). The split rule:
/// - with `x_val` and `x_test` (and their `y_val`, `y_test`), those are validation and test;
/// - otherwise `x`/`y` is cut contiguously: the first V examples are validation, the rest test,
///   V = `--validation-split` (default half, rounded);
/// - `x_train`/`y_train`, when present, are the training set in either form.
/// Values are multiplied by `--scale` (default 1/255 for uint8, 1 for floats), then
/// normalised (x − mean)/std per channel (sample axis 0) when `--normalize` is given.
/// Either every split has labels or none has; without labels they are the model's predictions.
enum NumpyDataReader {
    /// Reads, splits, converts and checks `url`.
    static func read(_ url: URL, settings: DataSettings) throws -> DataSource {
        let name = url.lastPathComponent
        let archive = try NumpyArchive.decode(try FileBytes.read(url), fileName: name)
        let named = archive["x_val"] != nil || archive["x_test"] != nil
        if named && (archive["x_val"] == nil || archive["x_test"] == nil) {
            throw malformed(name, "has \(archive["x_val"] == nil ? "x_test but no x_val" : "x_val but no x_test")",
                            hint: "give both x_val and x_test, or one x to be split by --validation-split")
        }
        if named, settings.validationSize != nil {
            throw SZNNError(.invalidArgument, "'\(name)' has its own x_val and x_test: --validation-split does not apply",
                            hint: "drop --validation-split, or save one x to be split")
        }
        guard named || archive["x"] != nil else {
            throw malformed(name, "has no array 'x' (nor 'x_val' and 'x_test')", hint: "save the examples with numpy.savez(path, x=..., y=...)")
        }
        var converter = ValueConverter(fileName: name, settings: settings)
        let training = try archive["x_train"].map { try converter.set("training", x: $0, y: archive["y_train"], labelName: "y_train") }
        let validation: ExampleSet, test: ExampleSet, split: String
        if named {
            validation = try converter.set("validation", x: archive["x_val"]!, y: archive["y_val"], labelName: "y_val")
            test = try converter.set("test", x: archive["x_test"]!, y: archive["y_test"], labelName: "y_test")
            split = "validation = x_val (\(validation.count)), test = x_test (\(test.count))"
        } else {
            let all = try converter.set("all", x: archive["x"]!, y: archive["y"], labelName: "y")
            let validationCount = try validationCount(of: all.count, size: settings.validationSize, fileName: name)
            validation = slice(all, name: "validation", range: 0..<validationCount)
            test = slice(all, name: "test", range: validationCount..<all.count)
            split = "validation = x[0..<\(validationCount)], test = x[\(validationCount)..<\(all.count)] (contiguous)"
        }
        let sets = [training, validation, test].compactMap { $0 }
        if let other = sets.first(where: { $0.sampleShape != validation.sampleShape }) {
            throw malformed(name, "\(other.name) examples have shape \(other.sampleShape) but validation examples \(validation.sampleShape)",
                            hint: "every split must hold examples of the same shape")
        }
        if Set(sets.map { $0.labels != nil }).count > 1 {
            throw malformed(name, "has labels for some splits but not others", hint: "give y for every x, or for none")
        }
        let description = DataDescription(
            source: url.relativePath, format: "npz",
            split: split + (training.map { ", training = x_train (\($0.count))" } ?? ", training = the validation set (no x_train)"),
            normalization: converter.formula, labelsArePredictions: validation.labels == nil,
            counts: (training?.count ?? validation.count, validation.count, test.count))
        return DataSource(training: training, validation: validation, test: test, description: description)
    }

    /// The validation count of a single `x` of `total` examples; both halves must be non-empty.
    static func validationCount(of total: Int, size: DataSettings.ValidationSize?, fileName: String) throws -> Int {
        guard total >= 2 else {
            throw malformed(fileName, "x holds \(total) example(s); splitting it into validation and test needs at least 2",
                            hint: "add examples, or give x_val and x_test")
        }
        let count = switch size ?? .fraction(0.5) {
        case .fraction(let fraction): Int((fraction * Double(total)).rounded())
        case .count(let count): count
        }
        guard count >= 1, count < total else {
            throw SZNNError(.invalidArgument, "--validation-split takes \(count) of the \(total) examples of '\(fileName)': validation and test must both be non-empty",
                            hint: "choose a fraction or count that leaves examples for both")
        }
        return count
    }

    /// The examples `range` of `set`, renamed.
    static func slice(_ set: ExampleSet, name: String, range: Range<Int>) -> ExampleSet {
        let size = set.sampleShape.reduce(1, *)
        return ExampleSet(name: name, sampleShape: set.sampleShape,
                          values: Array(set.values[(range.lowerBound * size)..<(range.upperBound * size)]),
                          labels: set.labels.map { Array($0[range]) }, count: range.count)
    }

    static func malformed(_ fileName: String, _ message: String, hint: String) -> SZNNError {
        SZNNError(.malformedDataset, "'\(fileName)' \(message)", hint: hint)
    }
}
