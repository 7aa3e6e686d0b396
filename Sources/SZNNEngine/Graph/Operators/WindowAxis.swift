/// One spatial axis of a sliding window (convolution or pooling): sizes, stride, dilation and
/// the padding before and after, as ONNX resolves them.
struct WindowAxis: Sendable, Equatable {
    let inputSize: Int
    let kernelSize: Int
    let stride: Int
    let dilation: Int
    let padBegin: Int
    let padEnd: Int
    let outputSize: Int

    /// The span of input one window covers, dilation included.
    var effectiveKernel: Int { dilation * (kernelSize - 1) + 1 }

    /// An axis of size one that a window passes over unchanged (the missing row axis of a 1-D input).
    static let trivial = WindowAxis(inputSize: 1, kernelSize: 1, stride: 1, dilation: 1, padBegin: 0, padEnd: 0, outputSize: 1)

    /// The output positions [lower, upper) whose input index `o·stride + kernelIndex·dilation − padBegin`
    /// lies inside the input; outside them a window tap reads padding.
    func validOutputs(kernelIndex: Int) -> Range<Int> {
        let offset = kernelIndex * dilation - padBegin
        let lower = min(outputSize, max(0, ceilingDivision(-offset, stride)))
        let upper = max(lower, min(outputSize, ceilingDivision(inputSize - offset, stride)))
        return lower..<upper
    }

    /// The kernel taps [lower, upper) of the window at output `position` that read the input.
    func validTaps(output position: Int) -> Range<Int> {
        let origin = position * stride - padBegin
        let lower = min(kernelSize, max(0, ceilingDivision(-origin, dilation)))
        let upper = max(lower, min(kernelSize, ceilingDivision(inputSize - origin, dilation)))
        return lower..<upper
    }

    /// The taps of the window at `position` inside the padded extent [−padBegin, inputSize + padEnd):
    /// the divisor of an average pool that counts padding.
    func paddedTapCount(output position: Int) -> Int {
        let origin = position * stride - padBegin
        return (0..<kernelSize).count { tap in
            let index = origin + tap * dilation
            return index >= -padBegin && index < inputSize + padEnd
        }
    }
}

/// ⌈numerator / denominator⌉ for a positive denominator and any numerator.
@inline(__always)
func ceilingDivision(_ numerator: Int, _ denominator: Int) -> Int {
    numerator >= 0 ? (numerator + denominator - 1) / denominator : -((-numerator) / denominator)
}
