import Foundation
import SZNNCore
import SZNNEngine

/// The examples of `--data`, read and preprocessed but not yet checked against a network.
///
/// `--data` is either a folder with MNIST's four IDX `.gz` files (its fixed 55,000/5,000/10,000
/// split and normalisation) or a `.npz` (`NumpyDataReader` documents its arrays and split rule).
/// `labelled(for:)` then checks the examples against the network and, when the file has no
/// labels, labels them with the network's own top-1 predictions.
public struct DataSource: Sendable {
    /// The training split, or nil when the file has none (then validation stands in for it).
    public let training: ExampleSet?
    public let validation: ExampleSet
    public let test: ExampleSet
    /// The description for reports; `labelsArePredictions` is final, the counts are the loaded ones.
    public let description: DataDescription

    /// Splits that passed `DataSource`'s checks (non-empty, finite, all or none labelled).
    init(training: ExampleSet?, validation: ExampleSet, test: ExampleSet, description: DataDescription) {
        self.training = training
        self.validation = validation
        self.test = test
        self.description = description
    }

    /// Whether the file has its own training split (`sz-nn train` needs one).
    public var hasTrainingSplit: Bool { training != nil }

    /// Whether the file has labels (every split, or none, does).
    public var hasLabels: Bool { validation.labels != nil }

    /// Reads `--data`: a folder of MNIST IDX files or a `.npz` file, preprocessed as `settings` say.
    public static func load(_ url: URL, settings: DataSettings = DataSettings()) throws -> DataSource {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw SZNNError(.unreadableFile, "data '\(url.path)' does not exist",
                            hint: "--data takes a folder with the four MNIST .gz files or a .npz with x (and y)")
        }
        if isFolder.boolValue {
            guard settings.isDefault else {
                throw SZNNError(.invalidArgument, "--validation-split, --scale and --normalize apply to .npz data, not to the IDX folder '\(url.path)'",
                                hint: "an IDX folder is MNIST with its fixed split and normalisation")
            }
            return try idx(url)
        }
        guard url.pathExtension.lowercased() == "npz" else {
            throw SZNNError(.unsupportedFileType, "data '\(url.lastPathComponent)' is neither a folder of IDX files nor a .npz",
                            hint: "save the examples with numpy.savez(path, x=..., y=...)")
        }
        return try NumpyDataReader.read(url, settings: settings)
    }

    /// MNIST from an IDX folder, split and normalised as `MNIST` documents.
    static func idx(_ url: URL) throws -> DataSource {
        let mnist = try EngineBridge.loadMNIST(from: url)
        func set(_ dataset: Dataset) -> ExampleSet {
            ExampleSet(name: dataset.name, sampleShape: dataset.sampleShape, values: dataset.images, labels: dataset.labels, count: dataset.count)
        }
        let description = DataDescription(
            source: url.relativePath, format: "idx",
            split: "training = the first \(mnist.train.count) images of train-images, validation = the last \(mnist.validation.count), test = the \(mnist.test.count) t10k images",
            normalization: "(x/255 − \(MNIST.pixelMean))/\(MNIST.pixelStandardDeviation)", labelsArePredictions: false,
            counts: (mnist.train.count, mnist.validation.count, mnist.test.count))
        return DataSource(training: set(mnist.train), validation: set(mnist.validation), test: set(mnist.test), description: description)
    }

    /// The labelled sets for `network`: checks the example shape and labels against it, or labels
    /// every example with the network's top-1 prediction when the file has no labels.
    public func labelled(for network: Network, batchSize: Int = 128) throws -> LabelledData {
        guard validation.sampleShape == network.inputShape else {
            throw SZNNError(.malformedDataset,
                            "'\(description.source)': examples have shape \(validation.sampleShape) but network '\(network.name)' takes \(network.inputShape)",
                            hint: "reshape x to N × \(network.inputShape.map(String.init).joined(separator: " × "))")
        }
        func dataset(_ set: ExampleSet) throws -> Dataset {
            if let labels = set.labels {
                if let index = labels.firstIndex(where: { $0 >= network.classCount }) {
                    throw SZNNError(.malformedDataset,
                                    "'\(description.source)': \(set.name) label \(labels[index]) (example \(index)) is not below network '\(network.name)''s \(network.classCount) classes",
                                    hint: "labels must be class indices 0..<\(network.classCount)")
                }
                return try EngineBridge.translatingErrors {
                    try Dataset(name: set.name, sampleShape: set.sampleShape, images: set.values, labels: labels)
                }
            }
            // Dataset needs labels; inference reads only the images, so zeros stand in until the predictions replace them.
            let unlabelled = try EngineBridge.translatingErrors {
                try Dataset(name: set.name, sampleShape: set.sampleShape, images: set.values, labels: [Int](repeating: 0, count: set.count))
            }
            let predicted = try LabelledData.predictions(of: network, on: unlabelled, batchSize: batchSize)
            return try EngineBridge.translatingErrors {
                try Dataset(name: set.name, sampleShape: set.sampleShape, images: set.values, labels: predicted)
            }
        }
        let validationSet = try dataset(validation)
        return LabelledData(training: try training.map(dataset) ?? validationSet, validation: validationSet,
                            test: try dataset(test), description: description)
    }
}
