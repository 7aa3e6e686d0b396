import Foundation
import SZNNEngine

/// One split of examples as read from a data file: preprocessed values and, if the file has them, labels.
public struct ExampleSet: Sendable {
    /// The split's name for messages and reports: `training`, `validation` or `test`.
    public let name: String
    /// The shape of one example, e.g. `[1, 28, 28]`.
    public let sampleShape: [Int]
    /// `count · sampleShape.reduce(1, *)` preprocessed values, example after example.
    public let values: [Float]
    /// One label per example, or nil when the file has none (the model's predictions stand in).
    public let labels: [Int]?
    /// The number of examples.
    public let count: Int

    /// A split of `count` examples; `values` must hold exactly `count` examples of `sampleShape`.
    public init(name: String, sampleShape: [Int], values: [Float], labels: [Int]?, count: Int) {
        self.name = name
        self.sampleShape = sampleShape
        self.values = values
        self.labels = labels
        self.count = count
    }
}

/// What a report says about the data: where it came from, how it was split and preprocessed,
/// and whether the labels are the file's or the model's own predictions.
public struct DataDescription: Sendable, Equatable {
    /// The path the user gave.
    public var source: String
    /// `idx` (an MNIST folder) or `npz`.
    public var format: String
    /// How the examples became training, validation and test, in words.
    public var split: String
    /// The preprocessing, as a formula.
    public var normalization: String
    /// True when the file has no labels and the model's top-1 predictions are the labels (agreement).
    public var labelsArePredictions: Bool
    /// Example counts of the three splits.
    public var counts: (training: Int, validation: Int, test: Int)

    public static func == (left: DataDescription, right: DataDescription) -> Bool {
        left.source == right.source && left.format == right.format && left.split == right.split
            && left.normalization == right.normalization && left.labelsArePredictions == right.labelsArePredictions
            && left.counts == right.counts
    }

    /// The report line about labels.
    public var labelsSummary: String {
        labelsArePredictions ? "the model's own predictions (agreement)" : "from the data file"
    }

    /// The lines a text report prints.
    public var summaryLines: [String] {
        ["data: \(source) (\(format)): \(split)", "normalisation: \(normalization)", "labels: \(labelsSummary)"]
    }

    /// The same for a JSON report.
    public var jsonObject: [String: Any] {
        ["source": source, "format": format, "split": split, "normalization": normalization,
         "labels": labelsArePredictions ? "model-predictions" : "file",
         "training_examples": counts.training, "validation_examples": counts.validation, "test_examples": counts.test]
    }
}

/// Training, validation and test sets with labels, ready for the engine, and what they are.
///
/// A data file without a training split (a `.npz` without `x_train`) reuses the validation set
/// for what needs training examples (Fisher information, compression-aware steps); the
/// description says so. `sz-nn train` refuses such a file instead (`DataSource.hasTrainingSplit`).
public struct LabelledData: Sendable {
    public let training: Dataset
    public let validation: Dataset
    public let test: Dataset
    public let description: DataDescription

    /// Data whose three sets are already labelled.
    public init(training: Dataset, validation: Dataset, test: Dataset, description: DataDescription) {
        self.training = training
        self.validation = validation
        self.test = test
        self.description = description
    }

    /// The top-1 class of every example of `dataset`, in order, in inference batches of `batchSize`.
    public static func predictions(of network: Network, on dataset: Dataset, batchSize: Int = 128) throws -> [Int] {
        try EngineBridge.translatingErrors { try network.predictions(on: dataset, batchSize: max(1, batchSize)) }
    }

    /// The fraction of `predicted` equal to `dataset`'s labels (0 for an empty set).
    public static func accuracy(of predicted: [Int], on dataset: Dataset) -> Double {
        guard dataset.count > 0 else { return 0 }
        return Double(zip(predicted, dataset.labels).filter { $0 == $1 }.count) / Double(dataset.count)
    }
}
