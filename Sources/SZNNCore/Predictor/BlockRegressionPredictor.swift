/// Predicts each element by a plane fitted to its block (SZ2's block linear regression):
/// `a + b·(i − ī) + c·(j − j̄)` for row `i` and column `j` inside the block.
///
/// The chunk is viewed as a grid: rows of axis 0 (width `W = n / dims[0]`) when the chunk
/// starts on a row and holds at least one, else one row of the whole chunk. Blocks are 8 × 8,
/// or 1 × 64 on a one-row grid; edge blocks are smaller. The encoder fits (a, b, c) by least
/// squares to the original values (non-finite values count as 0), rounds them to f32, and
/// predicts from the rounded values, which are stored per chunk (FORMAT.md §5.2), so both sides
/// predict bit-identically. Predictions read no neighbours, but `readsNeighbours` is true
/// because the quantizer only asks predictors that do (others predict 0).
public struct BlockRegressionPredictor: Predictor {
    /// The grid and block geometry of one chunk.
    struct Layout {
        let width: Int
        let rows: Int
        let blockHeight: Int
        let blockWidth: Int
        var blocksPerRow: Int { (width + blockWidth - 1) / blockWidth }
        var blockCount: Int { (rows + blockHeight - 1) / blockHeight * blocksPerRow }

        init(range: Range<Int>, shape: [Int]) {
            let count = max(range.count, 1)
            let rowLength = shape.count >= 2 && shape[0] > 0 ? shape.reduce(1, *) / shape[0] : count
            let aligned = rowLength > 0 && rowLength <= count && range.lowerBound % rowLength == 0
            width = aligned ? rowLength : count
            rows = (count + width - 1) / width
            blockHeight = rows > 1 ? 8 : 1
            blockWidth = rows > 1 ? 8 : 64
        }

        /// The block of chunk offset `offset`, and the element's row and column inside it.
        @inline(__always)
        func locate(_ offset: Int) -> (block: Int, row: Int, column: Int) {
            let row = offset / width
            let column = offset - row * width
            return ((row / blockHeight) * blocksPerRow + column / blockWidth, row % blockHeight, column % blockWidth)
        }

        /// The rows and columns block `block` spans (edge blocks are cut by the grid, which is
        /// always full: an aligned chunk holds whole rows, an unaligned one is a single row).
        func extent(of block: Int) -> (rows: Int, columns: Int) {
            let blockRow = block / blocksPerRow
            let blockColumn = block % blocksPerRow
            return (min(blockHeight, rows - blockRow * blockHeight), min(blockWidth, width - blockColumn * blockWidth))
        }
    }

    let layout: Layout
    /// (a, b, c) per block, already rounded to f32.
    let coefficients: [Float]
    /// (ī, j̄) per block: the centre of the block's actual extent.
    let centres: [Double]

    public var readsNeighbours: Bool { true }

    /// Fits one plane per block of elements `range` of `raw`.
    init(fitting raw: UnsafeRawBufferPointer, dtype: DType, range: Range<Int>, shape: [Int]) {
        let layout = Layout(range: range, shape: shape)
        var sums = [Double](repeating: 0, count: layout.blockCount * 3)
        for offset in 0..<range.count {
            let value = FloatCodec.load(raw, index: range.lowerBound + offset, dtype: dtype)
            guard value.isFinite else { continue }
            let (block, row, column) = layout.locate(offset)
            sums[3 * block] += value
            sums[3 * block + 1] += value * Double(row)
            sums[3 * block + 2] += value * Double(column)
        }
        var coefficients = [Float](repeating: 0, count: layout.blockCount * 3)
        for block in 0..<layout.blockCount {
            let (rows, columns) = layout.extent(of: block)
            let n = Double(rows * columns)
            let rowCentre = Double(rows - 1) / 2
            let columnCentre = Double(columns - 1) / 2
            // On a full grid the centred regressors are orthogonal: each slope is its own ratio.
            let rowSpread = Double(columns) * Double(rows * (rows * rows - 1)) / 12
            let columnSpread = Double(rows) * Double(columns * (columns * columns - 1)) / 12
            let mean = sums[3 * block] / n
            let rowSlope = rowSpread > 0 ? (sums[3 * block + 1] - rowCentre * sums[3 * block]) / rowSpread : 0
            let columnSlope = columnSpread > 0 ? (sums[3 * block + 2] - columnCentre * sums[3 * block]) / columnSpread : 0
            for (slot, fitted) in [mean, rowSlope, columnSlope].enumerated() {
                let rounded = Float(fitted)
                coefficients[3 * block + slot] = rounded.isFinite ? rounded : 0
            }
        }
        self.init(layout: layout, coefficients: coefficients)
    }

    /// The predictor stored in `data` for elements `range`; throws `.corruptPayload` if it does not fit.
    init(serialized data: [UInt8], range: Range<Int>, shape: [Int]) throws {
        let layout = Layout(range: range, shape: shape)
        guard data.count == layout.blockCount * 12 else {
            throw SZNNError(.corruptPayload, "block-regression data has \(data.count) bytes, expected \(layout.blockCount * 12)")
        }
        let coefficients = data.withUnsafeBytes { bytes in
            (0..<(layout.blockCount * 3)).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        guard coefficients.allSatisfy(\.isFinite) else {
            throw SZNNError(.corruptPayload, "block-regression data holds a non-finite coefficient")
        }
        self.init(layout: layout, coefficients: coefficients)
    }

    private init(layout: Layout, coefficients: [Float]) {
        self.layout = layout
        self.coefficients = coefficients
        centres = (0..<layout.blockCount).flatMap { block -> [Double] in
            let (rows, columns) = layout.extent(of: block)
            return [Double(rows - 1) / 2, Double(columns - 1) / 2]
        }
    }

    /// The coefficients as little-endian f32, (a, b, c) per block in block order.
    var serialized: [UInt8] {
        coefficients.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
    }

    @inline(__always)
    public func predict(index: Int, chunkStart: Int, reconstructed: UnsafePointer<Double>) -> Double {
        let (block, row, column) = layout.locate(index - chunkStart)
        return Double(coefficients[3 * block]) + Double(coefficients[3 * block + 1]) * (Double(row) - centres[2 * block])
            + Double(coefficients[3 * block + 2]) * (Double(column) - centres[2 * block + 1])
    }
}
