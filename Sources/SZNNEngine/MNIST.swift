import Foundation

/// MNIST with the fixed split used everywhere in sz-nn.
///
/// - train: the first 55,000 images of `train-images-idx3-ubyte.gz`
/// - validation: the last 5,000 images of that file (the tuner's accuracy target is met here)
/// - test: the 10,000 images of `t10k-images-idx3-ubyte.gz`
///
/// Pixels are scaled to [0, 1] and then standardised with MNIST's training mean and standard
/// deviation, x' = (x/255 − 0.1307) / 0.3081, identically for every split, in training and
/// in evaluation.
public struct MNIST: Sendable {
    public let train: Dataset
    public let validation: Dataset
    public let test: Dataset

    /// Number of training-file images that go to `train`; the rest are `validation`.
    public static let trainingCount = 55_000
    /// Pixel mean of the MNIST training images after scaling to [0, 1].
    public static let pixelMean: Float = 0.1307
    /// Pixel standard deviation of the MNIST training images after scaling to [0, 1].
    public static let pixelStandardDeviation: Float = 0.3081
    /// The per-sample shape.
    public static let sampleShape = [1, 28, 28]

    /// Loads the four standard gzip files from `directory`.
    public static func load(from directory: URL) throws -> MNIST {
        let (trainImages, trainLabels) = try loadPair(
            images: directory.appendingPathComponent("train-images-idx3-ubyte.gz"),
            labels: directory.appendingPathComponent("train-labels-idx1-ubyte.gz"))
        let (testImages, testLabels) = try loadPair(
            images: directory.appendingPathComponent("t10k-images-idx3-ubyte.gz"),
            labels: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        guard trainLabels.count > trainingCount else {
            throw EngineError(.malformedDataset,
                              "the training file has \(trainLabels.count) images; the split needs more than \(trainingCount)")
        }
        let pixels = sampleShape.reduce(1, *)
        return MNIST(
            train: try Dataset(name: "train", sampleShape: sampleShape,
                               images: Array(trainImages[0..<(trainingCount * pixels)]),
                               labels: Array(trainLabels[0..<trainingCount])),
            validation: try Dataset(name: "validation", sampleShape: sampleShape,
                                    images: Array(trainImages[(trainingCount * pixels)...]),
                                    labels: Array(trainLabels[trainingCount...])),
            test: try Dataset(name: "test", sampleShape: sampleShape, images: testImages, labels: testLabels))
    }

    /// Reads an image file and its label file, checks they agree, and standardises the pixels.
    static func loadPair(images imagesURL: URL, labels labelsURL: URL) throws -> ([Float], [Int]) {
        let images = try IDXFile.read(from: imagesURL)
        let labels = try IDXFile.read(from: labelsURL)
        guard images.dimensions.count == 3, images.dimensions[1] == 28, images.dimensions[2] == 28 else {
            throw EngineError(.malformedDataset,
                              "\(imagesURL.lastPathComponent): expected N×28×28 images, got dimensions \(images.dimensions)")
        }
        guard labels.dimensions.count == 1 else {
            throw EngineError(.malformedDataset,
                              "\(labelsURL.lastPathComponent): expected one dimension of labels, got \(labels.dimensions)")
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw EngineError(.malformedDataset,
                              "\(imagesURL.lastPathComponent) has \(images.dimensions[0]) images but \(labelsURL.lastPathComponent) has \(labels.dimensions[0]) labels")
        }
        if let bad = labels.bytes.firstIndex(where: { $0 > 9 }) {
            throw EngineError(.malformedDataset,
                              "\(labelsURL.lastPathComponent): label \(labels.bytes[bad]) at index \(bad) is not a digit 0–9")
        }
        let scale = 1 / (255 * pixelStandardDeviation), shift = pixelMean / pixelStandardDeviation
        let pixels = images.bytes.map { Float($0) * scale - shift }
        return (pixels, labels.bytes.map(Int.init))
    }
}
