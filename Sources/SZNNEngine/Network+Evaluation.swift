import Foundation

/// Inference over whole datasets, with the batches spread over copies of the network.
extension Network {
    /// Values (all tensors) above which no replicas are made: a large model's GEMMs are long
    /// enough for OpenBLAS's own threads, and a copy per core would cost its size again.
    static let replicationLimit = 1 << 24

    /// The arg-max class of every example of `dataset`, in order (inference mode).
    ///
    /// Batches of `batchSize` at fixed offsets are dealt to `BLAS.threadCount` workers, each
    /// running its own copy of the network (layers keep per-batch scratch) with one-threaded
    /// GEMM. A small model's GEMMs are too short for OpenBLAS's threads: on LeNet-5 they spent
    /// a fifth of the tuner's CPU time in `sched_yield`, and the whole run used 1.04 cores of 2.
    /// The same kernels see the same batches whatever the thread count, so the predictions do
    /// not depend on it.
    ///
    /// `stop` is asked after each round of batches (one per worker) with the predictions so far
    /// (a prefix of the dataset); when it says yes, that prefix is returned.
    public func predictions(on dataset: Dataset, batchSize: Int = 128,
                            stop: @escaping ([Int]) -> Bool = { _ in false }) throws -> [Int] {
        guard batchSize > 0 else { throw EngineError(.invalidArgument, "batch size must be positive, got \(batchSize)") }
        let batchCount = (dataset.count + batchSize - 1) / batchSize
        let threads = BLAS.threadCount
        let workers = min(threads, batchCount)
        let parallel = workers > 1 && parameters.reduce(0, { $0 + $1.count }) <= Network.replicationLimit
        let networks = parallel ? [self] + (try replicas(count: workers - 1)) : [self]
        let run = {
            var predicted: [Int] = []
            predicted.reserveCapacity(dataset.count)
            for roundStart in stride(from: 0, to: batchCount, by: networks.count) {
                let round = roundStart..<min(roundStart + networks.count, batchCount)
                predicted += try self.predictions(of: dataset, batches: round, batchSize: batchSize, on: networks)
                if predicted.count < dataset.count && stop(predicted) { break }
            }
            return predicted
        }
        return parallel ? try BLAS.withOneThread(run) : try run()
    }

    /// The predictions of the consecutive batches `batches` (of `batchSize`; the dataset's last may
    /// be shorter), batch i of them on `networks[i]`.
    private func predictions(of dataset: Dataset, batches: Range<Int>, batchSize: Int, on networks: [Network]) throws -> [Int] {
        let first = batches.lowerBound * batchSize
        let count = dataset.count
        let images = { @Sendable (batch: Int) in (batch * batchSize)..<min((batch + 1) * batchSize, count) }
        guard batches.count > 1 else { return try predictions(for: dataset.batch(images(batches.lowerBound)).images) }
        var predicted = [Int](repeating: 0, count: images(batches.upperBound - 1).upperBound - first)
        let failure = FirstFailure()
        predicted.withUnsafeMutableBufferPointer { output in
            let (output, networks) = (DisjointAccess(output), DisjointAccess(networks))
            DispatchQueue.concurrentPerform(iterations: batches.count) { worker in
                let range = images(batches.lowerBound + worker)
                do {
                    let classes = try networks.pointer[worker].predictions(for: dataset.batch(range).images)
                    for (image, label) in zip(range, classes) { output.pointer[image - first] = label }
                } catch {
                    failure.record(error)
                }
            }
        }
        try failure.rethrow()
        return predicted
    }

    /// `count` copies of the network holding its current values (shared copy-on-write: inference
    /// only reads them), built once and kept.
    private func replicas(count: Int) throws -> [Network] {
        while evaluationReplicas.count < count { evaluationReplicas.append(try copy()) }
        for replica in evaluationReplicas.prefix(count) { replica.takeValues(of: self) }
        return Array(evaluationReplicas.prefix(count))
    }

    /// A network of the same architecture holding this one's current values (weights and buffers),
    /// for running it on another thread: a network keeps per-batch scratch, so one is not shared.
    public func copy() throws -> Network {
        let copy = if let configuration { try Network(configuration: configuration) } else { try Network(graph: graph!.description) }
        copy.takeValues(of: self)
        return copy
    }

    /// Shares `other`'s values (copy-on-write, so nothing is copied until one side changes them).
    private func takeValues(of other: Network) {
        for (mine, theirs) in zip(parameters, other.parameters) { mine.values = theirs.values }
    }
}

/// The first error thrown by any of several concurrent workers.
private final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?

    func record(_ error: any Error) {
        lock.withLock { if self.error == nil { self.error = error } }
    }

    func rethrow() throws {
        if let error = lock.withLock({ self.error }) { throw error }
    }
}
