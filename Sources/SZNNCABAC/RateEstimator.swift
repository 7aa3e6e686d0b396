import Foundation

/// Bit costs of coding a bin: `cost[i]` = −log2((8i + 4) / 32768) in 1/65536 bit, for the
/// probability of the bin that occurred quantized to 12 bits.
///
/// Allocated once and never freed: a global table read by every estimator on every thread.
nonisolated(unsafe) let binCostTable: UnsafeMutablePointer<UInt32> = {
    let table = UnsafeMutablePointer<UInt32>.allocate(capacity: 4097)
    for entry in 0...4096 {
        let probability = min(1, (Double(entry) * 8 + 4) / 32768)
        table[entry] = UInt32((-log2(probability) * 65536).rounded())
    }
    return table
}()

/// The cost in 1/65536 bit of `bin` under P(1) = `probabilityOfOne` / 32768.
@inline(__always)
func binCost(probabilityOfOne: UInt32, bin: Bool) -> UInt64 {
    let probability = bin ? probabilityOfOne : 32768 &- probabilityOfOne
    return UInt64(binCostTable[Int(probability >> 3)])
}

/// A bin sink that only counts: the sum of −log2 p over the bins, from the same adaptive
/// context states the encoder would have. One instance per candidate set of rates is
/// updated in a single pass, so the encoder's trial of rate pairs costs one binarization.
struct RateEstimator: BinSink {
    /// One model set per candidate rate pair.
    let models: [ContextModels]
    /// The cost of each candidate so far, in 1/65536 bit.
    private(set) var costs: [UInt64]
    private let modelPointers: UnsafeMutableBufferPointer<ContextModels>
    private let costPointers: UnsafeMutableBufferPointer<UInt64>

    init(contextCount: Int, candidates: [AdaptationRates]) {
        models = candidates.map { ContextModels(contextCount: contextCount, rates: $0) }
        costs = Array(repeating: 0, count: candidates.count)
        modelPointers = .allocate(capacity: models.count)
        _ = modelPointers.initialize(from: models)
        costPointers = .allocate(capacity: models.count)
        costPointers.initialize(repeating: 0)
    }

    /// Frees the context states; `costs` stays readable.
    mutating func finish() {
        costs = Array(costPointers)
        for model in models { model.deallocate() }
        modelPointers.deallocate()
        costPointers.deallocate()
    }

    @inline(__always)
    mutating func encodeBin(context: Int, bin: Bool) {
        for candidate in 0..<modelPointers.count {
            let model = modelPointers[candidate]
            costPointers[candidate] &+= binCost(probabilityOfOne: model.probabilityOfOne(context), bin: bin)
            model.update(context, bin)
        }
    }

    @inline(__always)
    mutating func encodeBypass(bits: UInt32, count: Int) {
        for candidate in 0..<costPointers.count { costPointers[candidate] &+= UInt64(count) << 16 }
    }
}
