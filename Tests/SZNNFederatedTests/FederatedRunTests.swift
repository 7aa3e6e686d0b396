import SZNNCore
import SZNNEngine
import Testing
@testable import SZNNFederated

/// A 6-feature, 3-class dense network with seeded weights.
func tinyNetwork() throws -> Network {
    try Network(configuration: NetworkConfiguration(name: "tiny", input: [6], layers: [
        LayerConfiguration(type: "dense", name: "fc1", outputFeatures: 8), LayerConfiguration(type: "relu"),
        LayerConfiguration(type: "dense", name: "fc2", outputFeatures: 3),
    ]), seed: 3)
}

/// `count` seeded examples of 6 features, the label the index of the largest of the first 3.
func tinyDataset(count: Int, seed: UInt64) throws -> Dataset {
    var generator = RandomGenerator(seed: seed)
    let images = (0..<(count * 6)).map { _ in generator.nextGaussian() }
    let labels = (0..<count).map { sample in (0..<3).max { images[sample * 6 + $0] < images[sample * 6 + $1] } ?? 0 }
    return try Dataset(name: "tiny", sampleShape: [6], images: images, labels: labels)
}

@Suite("Federated averaging")
struct FederatedRunTests {
    var tinySettings: FederatedSettings {
        var settings = FederatedSettings()
        settings.clients = 2
        settings.rounds = 2
        settings.localSteps = 3
        settings.batchSize = 4
        settings.learningRate = 0.1
        settings.roundTestImages = 10
        settings.sparseFraction = 0.2
        return settings
    }

    @Test func averageOfIdenticalUpdatesIsTheUpdate() {
        let update: [[Float]] = [[0.5, -1, 3e-7], [2]]
        #expect(FederatedAveraging.mean([update, update, update]) == update)
    }

    @Test func identicalClientsMoveTheModelAsOneClientWould() throws {
        // Every example is the same, so both clients draw the same batches and send the same update.
        let one = try tinyDataset(count: 1, seed: 1)
        let identical = try Dataset(name: "same", sampleShape: [6], images: Array(repeating: one.images, count: 8).flatMap { $0 },
                                    labels: Array(repeating: one.labels[0], count: 8))
        var settings = tinySettings
        settings.rounds = 1
        let federated = try tinyNetwork()
        _ = try FederatedRun(network: federated, training: identical, test: identical, settings: settings, method: .fedavg).run()

        let alone = try tinyNetwork()
        let optimizer = SGD(learningRate: settings.learningRate, momentum: settings.momentum, weightDecay: settings.weightDecay)
        let batch = identical.batch(0..<settings.batchSize)
        for _ in 0..<settings.localSteps { try alone.trainingStep(images: batch.images, labels: batch.labels, optimizer: optimizer) }
        for parameter in alone.trainableParameters {
            let difference = zip(parameter.values, try federated.values(of: parameter.name)).map { abs($0 - $1) }.max() ?? 0
            #expect(difference <= 1e-6, "\(parameter.name) differs by \(difference)")
        }
    }

    @Test(arguments: [FederatedMethod.eb, .topk, .sbc])
    func errorFeedbackConservesTheResidual(method: FederatedMethod) throws {
        let layout = ParameterLayout(names: ["a", "b"], shapes: [[30, 4], [9]])
        var feedback = ErrorFeedback(layout: layout)
        let codec = try method.codec(settings: tinySettings, relativeBound: 3)
        for round in 0..<3 {
            let update = layout.shapes.enumerated().map { gaussianValues(count: $0.element.reduce(1, *), scale: 0.1, seed: UInt64(10 * round + $0.offset)) }
            let previous = feedback.residual
            let corrected = feedback.corrected(update)
            let coded = try CodedUpdate(corrected: corrected, layout: layout, codec: codec)
            feedback.absorb(corrected: corrected, sent: coded.decoded)
            for layer in layout.shapes.indices {
                for index in update[layer].indices {
                    let sentPlusKept = coded.decoded[layer][index] + feedback.residual[layer][index]
                    let updatePlusPrevious = update[layer][index] + previous[layer][index]
                    #expect(abs(sentPlusKept - updatePlusPrevious) <= 1e-6 * max(1, abs(updatePlusPrevious)))
                }
            }
        }
    }

    @Test func factorCountsSynchronousSGDAtThirtyTwoBitsBothWays() {
        var ledger = CommunicationLedger(clients: 10, parameterCount: 1000)
        // FedAvg at 32 bits every 5 local steps: 5 times less than exchanging every step.
        for _ in 0..<2 { ledger.addRound(localSteps: 5, uploadBytes: 10 * 4000, downloadBytes: 4000) }
        #expect(ledger.iterations == 10)
        #expect(ledger.bitsUp == 2 * 10 * 32_000)
        #expect(ledger.bitsDown == 2 * 10 * 32_000)
        #expect(ledger.referenceBits == 10 * 10 * 2 * 32 * 1000)
        #expect(ledger.factor == 5)
    }

    @Test(arguments: FederatedMethod.allCases)
    func everyMethodRunsAndBillsItsBits(method: FederatedMethod) throws {
        let data = try tinyDataset(count: 40, seed: 2)
        let result = try FederatedRun(network: try tinyNetwork(), training: data, test: data, settings: tinySettings, method: method).run()
        #expect(result.rounds.count == 2)
        #expect(result.ledger.bitsUp > 0 && result.ledger.bitsDown > 0)
        #expect((0...1).contains(result.finalTestAccuracy))
        if method == .fedavg { #expect(result.ledger.factor == Double(tinySettings.localSteps)) }
        if method != .fedavg { #expect(result.ledger.factor > Double(tinySettings.localSteps)) }
    }

    @Test func clientsTrainedSideBySideGiveTheRunOfClientsOneAfterAnother() throws {
        let data = try tinyDataset(count: 60, seed: 4)
        var settings = tinySettings
        settings.clients = 3
        let saved = ParallelMap.threadCount
        defer { ParallelMap.threadCount = saved }
        let runs = try [1, 2, 3].map { threads in
            ParallelMap.threadCount = threads
            let network = try tinyNetwork()
            let result = try FederatedRun(network: network, training: data, test: data, settings: settings, method: .eb).run()
            return (result.rounds.map(\.testAccuracy), result.ledger.bitsUp, result.ledger.bitsDown, network.namedTensors())
        }
        for run in runs.dropFirst() {
            #expect(run.0 == runs[0].0 && run.1 == runs[0].1 && run.2 == runs[0].2)
            #expect(run.3 == runs[0].3, "the final weights depend on how many clients trained at once")
        }
    }

    @Test func theLearningRateDecaysEveryRound() throws {
        let data = try tinyDataset(count: 40, seed: 2)
        var settings = tinySettings
        settings.rounds = 3
        let final = try [1, 0.5].map { (decay: Float) -> [NamedTensor] in
            settings.learningRateDecay = decay
            let network = try tinyNetwork()
            _ = try FederatedRun(network: network, training: data, test: data, settings: settings, method: .fedavg).run()
            return network.namedTensors()
        }
        #expect(final[0] != final[1])
        for bad: Float in [0, 1.5, -1] {
            settings.learningRateDecay = bad
            #expect(throws: SZNNError.self) { try settings.validate() }
        }
    }

    @Test func aLargerDownloadBoundSendsFewerDownloadBits() throws {
        let data = try tinyDataset(count: 40, seed: 2)
        let downloadBits = try [1.0, 4.0].map { scale in
            var settings = tinySettings
            settings.relativeBound = 0.5
            settings.downloadBoundScale = scale
            return try FederatedRun(network: try tinyNetwork(), training: data, test: data, settings: settings, method: .eb).run().ledger.bitsDown
        }
        #expect(downloadBits[1] < downloadBits[0])
    }

    @Test func plotDrawsOneLinePerMethod() throws {
        let data = try tinyDataset(count: 40, seed: 2)
        let results = try [FederatedMethod.fedavg, .eb].map {
            try FederatedRun(network: try tinyNetwork(), training: data, test: data, settings: tinySettings, method: $0).run()
        }
        let svg = FederatedPlot(title: "tiny <run>", results: results).svg()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains(">fedavg</text>") && svg.contains(">eb</text>") && svg.contains("tiny &lt;run&gt;"))
    }

    @Test(arguments: FederatedSettings.Split.allCases)
    func everyExampleGoesToOneClient(split: FederatedSettings.Split) {
        let labels = (0..<200).map { $0 % 10 }
        let dealt = ClientPartition.indices(labels: labels, clients: 10, split: split, seed: 1)
        #expect(dealt.flatMap { $0 }.sorted() == Array(0..<200))
        if split == .nonIID { #expect(dealt.allSatisfy { Set($0.map { labels[$0] }).count <= 2 }) }
    }

    @Test func boundScaleFollowsTheLoss() {
        var scale = LossDrivenBoundScale(initial: 2)
        scale.observe(meanLoss: 1)
        #expect(scale.relativeBound == 2)
        scale.observe(meanLoss: 0.9)
        #expect(scale.relativeBound == 2.5)
        scale.observe(meanLoss: 0.95)
        #expect(scale.relativeBound == 1.5)
        for _ in 0..<40 { scale.observe(meanLoss: 2) }
        #expect(scale.relativeBound == 1)
        for step in 0..<40 { scale.observe(meanLoss: 1 - Double(step) / 100) }
        #expect(scale.relativeBound == 4)
    }

    @Test func methodListsParse() throws {
        #expect(try FederatedMethod.parseList("fedavg, eb") == [.fedavg, .eb])
        #expect(throws: SZNNError.self) { try FederatedMethod.parseList("fedavg,zip") }
        #expect(throws: SZNNError.self) { try FederatedMethod.parseList("eb,eb") }
    }
}
