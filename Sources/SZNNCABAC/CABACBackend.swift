import SZNNCore

/// The DeepCABAC entropy backend: binarization and context modelling as in NNC, a dual-rate
/// probability estimator, and an HEVC-family binary arithmetic coder (FORMAT.md §5.1).
///
/// Index stream: byte 0 = context layout (bits 0–3 `greaterCount`, bit 4 neighbour contexts,
/// bit 5 modelled Exp-Golomb suffix, bits 6–7 zero), byte 1 = adaptation shifts (fast << 4 | slow, each 1 … 14), then the
/// arithmetic-coded bins. Both the layout (when `contexts` is `.trial`) and the shift pair
/// are chosen per stream by estimating the rate of each candidate on a sample.
public struct CABACBackend: EntropyBackend {
    /// Which context sets the encoder may use.
    public enum ContextChoice: String, Sendable, CaseIterable {
        /// NNC's contexts: previous index only.
        case previous
        /// Previous index and the index one row above.
        case neighbours
        /// Whichever of the two estimates smaller on the stream's sample.
        case trial
    }

    public let identifier = BackendIdentifier.cabac
    /// The number of `greater_x` flags before the Exp-Golomb remainder.
    public let greaterCount: Int
    /// The adaptation-rate pairs tried per stream.
    public let rateCandidates: [AdaptationRates]
    public let contexts: ContextChoice
    /// Whether the top Exp-Golomb suffix bits are context-coded (NNC bypass-codes them all).
    public let modelsSuffix: Bool

    /// More bins than any valid stream codes per byte (the bound is ~2 900, see `decode`).
    static let maximumBinsPerByte = 4096
        /// Elements estimated per stream when choosing its configuration (all of a smaller stream).
    static let sampleElements = 1 << 15
    /// The sample is this many evenly spaced runs, so that it sees all of a chunk.
    static let sampleRuns = 8

    public init(greaterCount: Int = 2, rateCandidates: [AdaptationRates] = AdaptationRates.defaultCandidates,
                contexts: ContextChoice = .trial, modelsSuffix: Bool = true) throws {
        guard (0...ContextLayout.maximumGreaterCount).contains(greaterCount) else {
            throw SZNNError(.invalidArgument, "CABAC greater-x flag count \(greaterCount) is out of range", hint: "use 0 to 15")
        }
        guard !rateCandidates.isEmpty else {
            throw SZNNError(.invalidArgument, "CABAC needs at least one adaptation-rate pair")
        }
        self.greaterCount = greaterCount
        self.rateCandidates = rateCandidates
        self.contexts = contexts
        self.modelsSuffix = modelsSuffix
    }

    public func encode(indices: [Int32], shape: [Int]) throws -> [UInt8] {
        indices.withUnsafeBufferPointer { buffer in
            let (layout, rates) = configuration(for: buffer, shape: shape)
            let models = ContextModels(contextCount: layout.contextCount, rates: rates)
            defer { models.deallocate() }
            var encoder = ArithmeticEncoder(models: models, expectedBytes: buffer.count / 4 + 64)
            defer { encoder.deallocate() }
            binarize(buffer, range: 0..<buffer.count, layout: layout, into: &encoder)
            return [layout.headerByte, UInt8(rates.fast << 4 | rates.slow)] + encoder.finish()
        }
    }

    public func decode(_ payload: UnsafeRawBufferPointer, count: Int, shape: [Int]) throws -> [Int32] {
        guard payload.count >= 2 else { throw SZNNError(.corruptPayload, "cabac index stream has no header") }
        guard count >= 0, count <= Int(Int32.max) else { throw SZNNError(.corruptPayload, "cabac index count \(count) is out of range") }
        // Every index costs at least one bin and every bin at least log2(510/509) bits (the LPS
        // range is ≥ 1), so a valid stream has ≥ 1 byte per 2 900 indices: reject a count the
        // payload cannot hold before allocating for it.
        guard (payload.count - 2 + ArithmeticDecoder.allowedOverread) * CABACBackend.maximumBinsPerByte >= count else {
            throw SZNNError(.corruptPayload, "cabac index stream of \(payload.count) bytes cannot hold \(count) indices")
        }
        guard let layout = ContextLayout(headerByte: payload[0], rowLength: ContextLayout.rowLength(shape: shape, count: count)),
              AdaptationRates.validShifts.contains(Int(payload[1] >> 4)), AdaptationRates.validShifts.contains(Int(payload[1] & 0x0F)) else {
            throw SZNNError(.corruptPayload, "cabac index stream header \(payload[0]) \(payload[1]) is not one this version writes")
        }
        let rates = AdaptationRates(checkedFast: Int(payload[1] >> 4), slow: Int(payload[1] & 0x0F))
        let models = ContextModels(contextCount: layout.contextCount, rates: rates)
        defer { models.deallocate() }
        var decoder = ArithmeticDecoder(payload, start: 2, models: models)
        defer { decoder.deallocate() }
        return try [Int32](unsafeUninitializedCapacity: count) { output, initialized in
            // Zero first so that a throw leaves initialized memory behind.
            output.initialize(repeating: 0)
            initialized = count
            try debinarize(&decoder, layout: layout, into: output)
        }
    }

    public func encodeLossless(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        CABACLossless.encode(bytes)
    }

    public func decodeLossless(_ payload: UnsafeRawBufferPointer, byteCount: Int) throws -> [UInt8] {
        try CABACLossless.decode(payload, byteCount: byteCount)
    }

    /// The layout and rate pair for a stream: each allowed layout is estimated on a sample with
    /// every rate candidate at once, and the cheapest pair wins.
    func configuration(for indices: UnsafeBufferPointer<Int32>, shape: [Int]) -> (ContextLayout, AdaptationRates) {
        let rowLength = ContextLayout.rowLength(shape: shape, count: indices.count)
        let neighbourChoices: [Bool] = switch contexts {
        case .previous: [false]
        case .neighbours: [true]
        case .trial: rowLength == 0 ? [false] : [false, true]
        }
        let layouts = neighbourChoices.map {
            ContextLayout(greaterCount: greaterCount, usesNeighbours: $0, modelsSuffix: modelsSuffix, rowLength: rowLength)
        }
        if layouts.count == 1 && rateCandidates.count == 1 { return (layouts[0], rateCandidates[0]) }
        // The layouts are estimated side by side (a stream's one serial step before its bin loop);
        // the cheapest pair wins, ties to the earlier layout and rates as in a serial loop. The map's
        // only error is a missing result, which this non-throwing body cannot cause; were it to
        // happen, the first pair would be written, a valid stream all the same.
        nonisolated(unsafe) let indices = indices
        let costs = (try? ParallelMap.map(layouts.count) { position -> [UInt64] in
            var estimator = RateEstimator(contextCount: layouts[position].contextCount, candidates: rateCandidates)
            for run in CABACBackend.sampleRanges(count: indices.count) {
                binarize(indices, range: run, layout: layouts[position], into: &estimator)
            }
            estimator.finish()
            return estimator.costs
        }) ?? []
        var best = (layout: layouts[0], rates: rateCandidates[0], cost: UInt64.max)
        for (layout, layoutCosts) in zip(layouts, costs) {
            for (candidate, cost) in zip(rateCandidates, layoutCosts) where cost < best.cost {
                best = (layout, candidate, cost)
            }
        }
        return (best.layout, best.rates)
    }

    /// The runs of a `count`-element stream that the configuration trial estimates.
    static func sampleRanges(count: Int) -> [Range<Int>] {
        guard count > sampleElements else { return [0..<count] }
        let runLength = sampleElements / sampleRuns
        return (0..<sampleRuns).map { run in
            let start = run * (count - runLength) / (sampleRuns - 1)
            return start..<(start + runLength)
        }
    }
}
