/// An in-memory labelled image set: preprocessed Float pixels and integer labels.
public struct Dataset: Sendable {
    /// A name for messages, e.g. `validation`.
    public let name: String
    /// The per-sample shape, e.g. `[1, 28, 28]`.
    public let sampleShape: [Int]
    /// `count · sampleShape.reduce(1, *)` values, sample after sample.
    public let images: [Float]
    public let labels: [Int]

    /// Creates a dataset, checking that the pixel and label counts agree.
    public init(name: String, sampleShape: [Int], images: [Float], labels: [Int]) throws {
        let sampleSize = sampleShape.reduce(1, *)
        guard sampleSize > 0, images.count == labels.count * sampleSize else {
            throw EngineError(.malformedDataset,
                              "dataset '\(name)': \(images.count) pixel values do not make \(labels.count) samples of shape \(sampleShape)")
        }
        self.name = name
        self.sampleShape = sampleShape
        self.images = images
        self.labels = labels
    }

    /// Number of samples.
    public var count: Int { labels.count }

    /// The contiguous samples `range` as a batch `[N] + sampleShape` and their labels.
    public func batch(_ range: Range<Int>) -> (images: FloatTensor, labels: [Int]) {
        let sampleSize = sampleShape.reduce(1, *)
        let values = Array(images[(range.lowerBound * sampleSize)..<(range.upperBound * sampleSize)])
        return (FloatTensor(computedShape: [range.count] + sampleShape, values: values), Array(labels[range]))
    }

    /// The samples at `indices` (any order) as a batch and their labels.
    public func batch(indices: [Int]) -> (images: FloatTensor, labels: [Int]) {
        let sampleSize = sampleShape.reduce(1, *)
        var values: [Float] = []
        values.reserveCapacity(indices.count * sampleSize)
        for index in indices { values += images[(index * sampleSize)..<((index + 1) * sampleSize)] }
        return (FloatTensor(computedShape: [indices.count] + sampleShape, values: values), indices.map { labels[$0] })
    }

    /// The samples at `indices` as a dataset of their own, named `name`.
    public func subset(indices: [Int], name: String) throws -> Dataset {
        let batch = batch(indices: indices)
        return try Dataset(name: name, sampleShape: sampleShape, images: batch.images.values, labels: batch.labels)
    }

    /// The sample indices of one epoch, shuffled with `generator` and cut into batches
    /// (the last batch may be smaller).
    public func shuffledBatches(batchSize: Int, generator: inout RandomGenerator) -> [[Int]] {
        var order = Array(0..<count)
        generator.shuffle(&order)
        return stride(from: 0, to: count, by: max(1, batchSize)).map { Array(order[$0..<min($0 + max(1, batchSize), count)]) }
    }
}
