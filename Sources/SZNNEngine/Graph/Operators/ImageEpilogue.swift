/// An elementwise operation run on each image's output of a Conv while it is still in cache,
/// when predicting: an inference BatchNormalization or a Relu that alone reads the Conv's output.
///
/// Each case computes exactly what its operator's own forward computes, element by element, so
/// fusing changes no value; it saves a pass over the batch and an array per fused operator.
enum ImageEpilogue {
    /// y = (x − mean) · σ⁻¹ · scale + B, per channel (the running statistics).
    case batchNormalization(mean: [Float], inverseDeviation: [Float], scale: [Float], shift: [Float])
    /// y = max(0, x).
    case rectifier

    /// Applies the operation in place to one image's `channels` planes of `pixels` values.
    func apply(to image: UnsafeMutablePointer<Float>, channels: Int, pixels: Int) {
        switch self {
        case let .batchNormalization(mean, inverseDeviation, scale, shift):
            for channel in 0..<channels {
                let plane = image + channel * pixels
                let (center, inverse, gain, offset) = (mean[channel], inverseDeviation[channel], scale[channel], shift[channel])
                for index in 0..<pixels {
                    plane[index] = BatchNormalizationOperator.normalized(plane[index], center: center, inverse: inverse,
                                                                         gain: gain, offset: offset)
                }
            }
        case .rectifier:
            for index in 0..<(channels * pixels) { image[index] = max(0, image[index]) }
        }
    }
}

/// An operator that can run as an `ImageEpilogue` of the Conv producing its first input.
protocol EpilogueOperator: GraphOperator {
    /// The epilogue for these inputs (the first, the Conv's output, is absent) on a Conv output
    /// of `channels` channels, or nil when this call must run unfused (the caller then runs
    /// `forward`, which reports any problem with the inputs).
    func epilogue(_ inputs: [GraphValue?], channels: Int) -> ImageEpilogue?
}
