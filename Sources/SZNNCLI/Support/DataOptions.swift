import ArgumentParser
import Foundation
import SZNNCore
import SZNNEngine
import SZNNWorkflow

/// `--data` and its `.npz` options, shared by every command that evaluates or trains on examples.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The examples: a folder with the four MNIST IDX .gz files, or a .npz with x (and y).",
        discussion: """
        A .npz holds x (N × example shape; float16/32/64 or uint8) and optionally y (N integer labels ≥ 0). \
        With x_val and x_test (and y_val, y_test) those are validation and test; otherwise x/y is cut \
        contiguously: the first --validation-split examples are validation, the rest test. x_train/y_train, \
        if present, are the training set; without them validation stands in for it. Without y the labels \
        are the model's own top-1 predictions (agreement). An IDX folder is MNIST: 55,000 training, the \
        last 5,000 training images as validation, the 10,000 t10k images as test, (x/255 − 0.1307)/0.3081. \
        Default: Data/mnist.
        """, valueName: "folder|file.npz"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp(
        "For a .npz with a single x: the validation share, a fraction in (0, 1) or a count (default 0.5).",
        valueName: "fraction|count"))
    var validationSplit: String?

    @Option(name: .long, help: ArgumentHelp(
        "For a .npz: multiply x by this first (default 1/255 for uint8, 1 for floats).", valueName: "factor"))
    var scale: String?

    @Option(name: .long, help: ArgumentHelp(
        "For a .npz: then apply (x − mean)/std, one pair or one per channel (m1,m2,…,s1,s2,…).", valueName: "mean,std"))
    var normalize: String?

    /// The default `--data`: the MNIST folder of the repository or the installation.
    static let defaultPath = "Data/mnist"

    /// Whether the user gave any of these options (compress accepts them only with --target-acc-loss).
    var isSpecified: Bool { data != nil || validationSplit != nil || scale != nil || normalize != nil }

    /// The parsed `.npz` settings.
    func settings() throws -> DataSettings {
        DataSettings(validationSize: try validationSplit.map(DataSettings.parseValidationSize),
                     scale: try scale.map(DataSettings.parseScale),
                     normalization: try normalize.map(DataSettings.parseNormalization))
    }

    /// Reads the examples of `--data` (or the default) with a progress line.
    func load() throws -> DataSource {
        let settings = try settings()
        let path = DefaultResources.locate(data ?? DataOptions.defaultPath)
        Terminal.progress("loading data from \(path)")
        return try DataSource.load(URL(fileURLWithPath: path), settings: settings)
    }

    /// Reads the examples and labels them for `network` (its own predictions when the file has no labels).
    func labelled(for network: Network) throws -> LabelledData {
        let source = try load()
        if !source.hasLabels { Terminal.progress("labelling the examples with the model's own predictions") }
        return try source.labelled(for: network)
    }
}
