/// One kernel tap's run of the column matrix for one image and channel: the output rows and
/// columns whose window tap reads the input (the rest read padding), and the tap itself.
struct TapRun {
    let validRows: Range<Int>
    let validColumns: Range<Int>
    let tapRow: Int
    let tapColumn: Int
}

/// The inner loops of im2col and col2im: one tap's output plane (`outputPixels` values of the
/// column matrix) against one input plane. Index arithmetic wraps instead of trapping: every
/// index lies inside its plane by construction of the valid ranges, and the checks kept the
/// loops from vectorising.
extension WindowColumns {
    /// The flat input offset of output (0, 0)'s tap when rows are as long in the output as in
    /// the input and both strides are 1: output (r, c) reads input r·width + c + offset.
    @inline(__always)
    private func planeOffset(_ run: TapRun) -> Int {
        let rowShift: Int = run.tapRow &* rows.dilation &- rows.padBegin
        let columnShift: Int = run.tapColumn &* columns.dilation &- columns.padBegin
        return rowShift &* columns.outputSize &+ columnShift
    }

    /// The flat span of the output plane from the first valid value to the last: inside the
    /// input plane at both ends once offset, and contiguous there; between rows it runs over the
    /// padded edges, which the callers fix up.
    @inline(__always)
    private func validSpan(_ run: TapRun) -> Range<Int> {
        let width = columns.outputSize
        let first = run.validRows.lowerBound &* width &+ run.validColumns.lowerBound
        let last = (run.validRows.upperBound &- 1) &* width &+ run.validColumns.upperBound
        return first..<last
    }

    /// Zeroes the padded edges (columns outside the valid ones) of the valid rows of `plane`.
    @inline(__always)
    private func zeroEdges(_ plane: UnsafeMutablePointer<Float>, _ run: TapRun) {
        let width = columns.outputSize
        for outRow in run.validRows {
            let line = plane + outRow &* width
            for column in 0..<run.validColumns.lowerBound { line[column] = 0 }
            for column in run.validColumns.upperBound..<width { line[column] = 0 }
        }
    }

    /// im2col of one tap with plane offsets: one copy for the valid span, then zeros around it.
    @inline(__always)
    func copyPlane(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, _ run: TapRun) {
        let width = columns.outputSize, count = rows.outputSize &* width
        guard !run.validRows.isEmpty && !run.validColumns.isEmpty else {
            for index in 0..<count { output[index] = 0 }
            return
        }
        let span = validSpan(run)
        for index in 0..<(run.validRows.lowerBound &* width) { output[index] = 0 }
        for index in (run.validRows.upperBound &* width)..<count { output[index] = 0 }
        (output + span.lowerBound).update(from: input + (span.lowerBound &+ planeOffset(run)), count: span.count)
        zeroEdges(output, run)
    }

    /// im2col of one tap row by row, for any strides. Rows are short (28 values or fewer in the
    /// zoo's models) and come by the thousand per image: plain loops beat a memset and a memmove
    /// call per row.
    @inline(__always)
    func copyRows(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, _ run: TapRun) {
        let width = columns.outputSize, stride = columns.stride
        let (lower, upper) = (run.validColumns.lowerBound, run.validColumns.upperBound)
        let columnShift: Int = run.tapColumn &* columns.dilation &- columns.padBegin
        for outRow in 0..<rows.outputSize {
            let line = output + outRow &* width
            guard run.validRows.contains(outRow) else {
                for column in 0..<width { line[column] = 0 }
                continue
            }
            let inRow = outRow &* rows.stride &+ run.tapRow &* rows.dilation &- rows.padBegin
            let inputLine = input + (inRow &* columns.inputSize &+ columnShift)
            for column in 0..<lower { line[column] = 0 }
            if stride == 1 {
                for column in lower..<upper { line[column] = inputLine[column] }
            } else {
                for column in lower..<upper { line[column] = inputLine[column &* stride] }
            }
            for column in upper..<width { line[column] = 0 }
        }
    }

    /// col2im of one tap with plane offsets: the padded edges of the column run are zeroed, then
    /// the valid span is added in one loop (an edge adds +0 to the input value it lands on).
    @inline(__always)
    func addPlane(_ matrix: UnsafeMutablePointer<Float>, onto gradient: UnsafeMutablePointer<Float>, _ run: TapRun) {
        guard !run.validRows.isEmpty && !run.validColumns.isEmpty else { return }
        zeroEdges(matrix, run)
        let span = validSpan(run), target = gradient + planeOffset(run)
        for index in span { target[index] += matrix[index] }
    }

    /// col2im of one tap row by row, for any strides.
    @inline(__always)
    func addRows(_ matrix: UnsafePointer<Float>, onto gradient: UnsafeMutablePointer<Float>, _ run: TapRun) {
        let width = columns.outputSize, stride = columns.stride
        let columnShift: Int = run.tapColumn &* columns.dilation &- columns.padBegin
        for outRow in run.validRows {
            let inRow = outRow &* rows.stride &+ run.tapRow &* rows.dilation &- rows.padBegin
            let line = matrix + outRow &* width
            let gradientLine = gradient + (inRow &* columns.inputSize &+ columnShift)
            if stride == 1 {
                for column in run.validColumns { gradientLine[column] += line[column] }
            } else {
                for column in run.validColumns { gradientLine[column &* stride] += line[column] }
            }
        }
    }
}
