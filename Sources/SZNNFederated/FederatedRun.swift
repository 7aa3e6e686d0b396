import Foundation
import SZNNCore
import SZNNEngine

/// Federated averaging of one method: K clients train locally, upload coded deltas, the server
/// averages them and broadcasts a coded delta back, every message really encoded and decoded.
///
/// All clients hold the same replica of the model (they receive the same broadcast); the server
/// keeps its own error-feedback residual for the download, each client one for its upload. The
/// replica is what is evaluated: it is the model the clients actually have.
public struct FederatedRun {
    let network: Network
    let training: Dataset
    let test: Dataset
    let settings: FederatedSettings
    let method: FederatedMethod

    /// `network` holds the initial weights every client starts from (seeded, so no bits are billed for them).
    public init(network: Network, training: Dataset, test: Dataset, settings: FederatedSettings, method: FederatedMethod) throws {
        try settings.validate()
        guard training.count >= settings.clients else {
            throw SZNNError(.malformedDataset, "\(training.count) training examples cannot be dealt to \(settings.clients) clients")
        }
        guard test.count > 0 else { throw SZNNError(.malformedDataset, "the test split is empty") }
        self.network = network
        self.training = training
        self.test = test
        self.settings = settings
        self.method = method
    }

    /// Runs every round, telling `events` about each; returns the whole record.
    public func run(events: (RoundRecord) -> Void = { _ in }) throws -> FederatedResult {
        let parameters = network.trainableParameters
        let layout = ParameterLayout(names: parameters.map(\.name), shapes: parameters.map(\.shape))
        var replica = parameters.map(\.values)
        var clients = ClientPartition.indices(labels: training.labels, clients: settings.clients, split: settings.split, seed: settings.seed)
            .enumerated().map { FederatedClient(index: $0.offset, indices: $0.element, layout: layout, settings: settings) }
        var serverFeedback = ErrorFeedback(layout: layout)
        var ledger = CommunicationLedger(clients: settings.clients, parameterCount: layout.parameterCount)
        var scale = LossDrivenBoundScale(initial: settings.relativeBound)
        let roundTest = try test.subset(indices: Array(0..<min(settings.roundTestImages, test.count)), name: "test subset")
        var records: [RoundRecord] = []
        let started = Date()
        // Clients train side by side, one network copy per worker. Not with buffers (BatchNorm
        // statistics), which the clients would otherwise carry from one to the next per copy.
        let workers = network.buffers.isEmpty ? min(ParallelMap.threadCount, settings.clients) : 1
        let networks = try [network] + (1..<max(workers, 1)).map { _ in try network.copy() }

        for round in 1...settings.rounds {
            let roundStarted = Date()
            let relativeBound = method == .ebLoss ? scale.relativeBound : settings.relativeBound
            let codec = try method.codec(settings: settings, relativeBound: relativeBound)
            let trained = try train(&clients, from: replica, on: networks, layout: layout, round: round)
            let (updates, losses) = (trained.map(\.update), trained.map(\.meanLoss))

            let codingStarted = Date()
            let corrected = zip(clients, updates).map { method.usesErrorFeedback ? $0.feedback.corrected($1) : $1 }
            // Clients code independently: one job each, over the codec threads.
            let uploads = try ParallelMap.map(clients.count) { index in
                try CodedUpdate(corrected: corrected[index], layout: layout, codec: codec)
            }
            for index in clients.indices where method.usesErrorFeedback {
                clients[index].feedback.absorb(corrected: corrected[index], sent: uploads[index].decoded)
            }
            let average = FederatedAveraging.mean(uploads.map(\.decoded))
            let downloadInput = method.usesErrorFeedback ? serverFeedback.corrected(average) : average
            let downloadCodec = try method.codec(settings: settings, relativeBound: relativeBound * settings.downloadBoundScale)
            let download = try CodedUpdate(corrected: downloadInput, layout: layout, codec: downloadCodec)
            if method.usesErrorFeedback { serverFeedback.absorb(corrected: downloadInput, sent: download.decoded) }
            replica = zip(replica, download.decoded).map { layer, delta in zip(layer, delta).map { $0 + $1 } }
            let codingSeconds = Date().timeIntervalSince(codingStarted)

            let lossBytes = method.reportsLoss ? 4 * clients.count : 0
            let uploadBytes = uploads.reduce(0) { $0 + $1.byteCount } + lossBytes
            ledger.addRound(localSteps: settings.localSteps, uploadBytes: uploadBytes, downloadBytes: download.byteCount)
            let meanLoss = losses.reduce(0, +) / Double(losses.count)
            if method == .ebLoss { scale.observe(meanLoss: meanLoss) }

            try FederatedAveraging.load(replica, into: network, layout: layout)
            let accuracy = try network.accuracy(on: roundTest)
            let elapsed = Date().timeIntervalSince(started)
            let record = RoundRecord(
                method: method, round: round, rounds: settings.rounds, testAccuracy: accuracy, meanLoss: meanLoss,
                relativeBound: method.usesErrorBound ? relativeBound : nil,
                uploadBits: 8 * uploadBytes, downloadBits: 8 * download.byteCount * clients.count, ledger: ledger,
                codingSeconds: codingSeconds, seconds: Date().timeIntervalSince(roundStarted),
                secondsRemaining: elapsed / Double(round) * Double(settings.rounds - round))
            records.append(record)
            events(record)
        }
        let finalAccuracy = try network.accuracy(on: test)
        return FederatedResult(method: method, rounds: records, finalTestAccuracy: finalAccuracy, testImages: test.count, ledger: ledger)
    }
}

extension FederatedRun {
    /// Every client's local training from `start`, in client order: client i on `networks[i % networks.count]`,
    /// with one-threaded GEMM when the networks run side by side.
    func train(_ clients: inout [FederatedClient], from start: [[Float]], on networks: [Network], layout: ParameterLayout,
               round: Int) throws -> [(update: [[Float]], meanLoss: Double)] {
        let snapshot = clients
        let work = {
            try ParallelMap.map(networks.count) { worker in
                try stride(from: worker, to: snapshot.count, by: networks.count).map { index in
                    var client = snapshot[index]
                    let (update, loss) = try client.train(network: networks[worker], from: start, layout: layout, dataset: self.training,
                                                          settings: self.settings, round: round)
                    return (index: index, client: client, update: update, meanLoss: loss)
                }
            }
        }
        let results = try (networks.count > 1 ? BLAS.withOneThread(work) : work()).flatMap { $0 }.sorted { $0.index < $1.index }
        clients = results.map(\.client)
        return results.map { ($0.update, $0.meanLoss) }
    }
}

/// The server's arithmetic: the mean of the clients' decoded updates, and loading weights.
public enum FederatedAveraging {
    /// The element-wise mean of several updates of the same layout (FedAvg with equal client weights).
    public static func mean(_ updates: [[[Float]]]) -> [[Float]] {
        guard let first = updates.first else { return [] }
        let scale = 1 / Float(updates.count)
        return first.indices.map { layer in
            var sum = [Float](repeating: 0, count: first[layer].count)
            for update in updates {
                for index in sum.indices { sum[index] += update[layer][index] }
            }
            return sum.map { $0 * scale }
        }
    }

    /// Writes `values` (per layer of `layout`) into the network's trainable tensors.
    static func load(_ values: [[Float]], into network: Network, layout: ParameterLayout) throws {
        for (name, layer) in zip(layout.names, values) { try network.setValues(layer, for: name) }
    }
}
