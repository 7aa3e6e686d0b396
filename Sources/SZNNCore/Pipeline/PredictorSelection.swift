import Foundation

/// Automatic per-tensor predictor choice: quantize a sample of the tensor with every
/// candidate predictor and keep the one whose indices the backend codes in the fewest bits.
///
/// Core cannot see the backends' estimators, so the caller supplies the rate function (for
/// CABAC, `CABACBackend.estimatedBits(indices:shape:)`; any backend can use its real encoded
/// size). The sample is whole runs of consecutive rows of axis 0, evenly spread, so that
/// row-based predictors and contexts see the neighbours they would see in the full tensor.
public enum PredictorSelection {
    /// Elements of the sample (at least two rows are always taken).
    public static let defaultSampleElements = 1 << 16
    /// Consecutive rows per run of the sample: only a run's first row lacks its true row above.
    static let rowsPerRun = 8

    /// The candidate with the smallest estimated size; ties go to the earlier candidate, so
    /// `.zero` (first by default, cheapest to run) wins unless another predictor is strictly better.
    /// - Parameter rate: bits to code `indices` of a tensor of `shape` (one chunk at a time).
    public static func select(for tensor: Tensor, settings: TensorSettings, candidates: [PredictorKind] = PredictorKind.allCases,
                              sampleElements: Int = defaultSampleElements,
                              rate: ([Int32], [Int]) throws -> Double) throws -> PredictorKind {
        guard let first = candidates.first else {
            throw SZNNError(.invalidArgument, "predictor selection needs at least one candidate")
        }
        guard tensor.dtype.isFloatingPoint, !settings.bounds.isLossless, candidates.count > 1, tensor.elementCount > 0 else { return first }
        let (sample, sampleBounds) = try self.sample(tensor, bounds: settings.bounds, elements: sampleElements)
        let escapeBits = Double((4 + tensor.dtype.byteWidth) * 8)
        // Candidates are independent: estimated on all cores, then the first smallest wins.
        let sizes = try ParallelMap.map(candidates.count) { candidate -> Double in
            let kind = candidates[candidate]
            var trial = settings
            trial.predictor = kind
            trial.bounds = sampleBounds
            let (_, chunkBits) = try TensorEncoder.quantizedChunks(sample, settings: trial) { chunk in
                try rate(chunk.indices, sample.shape) + Double(chunk.escapePositions.count) * escapeBits
                    + (kind.storesData ? Double(4 + chunk.predictorData.count) * 8 : 0)
            }
            return chunkBits.reduce(0, +)
        }
        var best = (kind: first, bits: Double.infinity)
        for (kind, bits) in zip(candidates, sizes) where bits < best.bits { best = (kind, bits) }
        return best.kind
    }

    /// Runs of whole rows of axis 0, evenly spread, totalling about `elements`; per-slice bounds
    /// along axis 0 follow their rows. A tensor no larger than the sample is its own sample.
    static func sample(_ tensor: Tensor, bounds: ErrorBounds, elements: Int) throws -> (Tensor, ErrorBounds) {
        guard tensor.shape.count >= 1, let rows = tensor.shape.first, rows > 0 else { return (tensor, bounds) }
        let rowLength = tensor.elementCount / rows
        let wantedRows = max(2, elements / max(rowLength, 1))
        guard wantedRows < rows, tensor.shape.count >= 2 else {
            guard tensor.shape.count == 1, elements < rows else { return (tensor, bounds) }
            // A 1-D tensor: a contiguous prefix (its "rows" are single elements).
            let width = tensor.dtype.byteWidth
            let prefix = try Tensor(name: tensor.name, dtype: tensor.dtype, shape: [elements], bytes: tensor.bytes.prefix(elements * width))
            return (prefix, bounds)
        }
        let runCount = max(1, wantedRows / rowsPerRun)
        let runLength = min(rowsPerRun, wantedRows)
        let starts = (0..<runCount).map { run in runCount == 1 ? 0 : run * (rows - runLength) / (runCount - 1) }
        var chosenRows: [Int] = []
        for start in starts {
            for row in start..<(start + runLength) where chosenRows.last.map({ row > $0 }) ?? true { chosenRows.append(row) }
        }
        let rowBytes = rowLength * tensor.dtype.byteWidth
        var bytes = Data(capacity: chosenRows.count * rowBytes)
        let base = tensor.bytes.startIndex
        for row in chosenRows { bytes.append(tensor.bytes[(base + row * rowBytes)..<(base + (row + 1) * rowBytes)]) }
        var shape = tensor.shape
        shape[0] = chosenRows.count
        let sample = try Tensor(name: tensor.name, dtype: tensor.dtype, shape: shape, bytes: bytes)
        guard bounds.axis == 0 else { return (sample, bounds) }
        return (sample, try ErrorBounds(axis: 0, values: chosenRows.map { bounds.values[$0] }, shape: shape))
    }
}
