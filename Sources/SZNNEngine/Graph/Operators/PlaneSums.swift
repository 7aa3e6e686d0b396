/// Per-channel sums over the planes of an `[N, C, spatial]` tensor, four channels at a time.
///
/// A channel's sum takes its terms in the order of a plain loop over the planes, image after
/// image and element after element, so it is the same float; but four channels' sums advance
/// together in the lanes of a vector, four independent chains of additions where a plain loop
/// waits for each addition before the next (BatchNormalization's sums were a tenth of
/// resnet-mnist's training time that way).
struct PlaneSums {
    let batch: Int
    let channels: Int
    let spatial: Int

    /// Σ term(index) per channel, where `term` gets an element's flat index.
    @inline(__always)
    func sums<Scalar: SIMDScalar & BinaryFloatingPoint>(_ type: Scalar.Type, _ term: (Int) -> Scalar) -> [Scalar] {
        sums(type) { index, _ in term(index) }
    }

    /// Σ term(index, channel) per channel, where `term` gets an element's flat index and channel.
    @inline(__always)
    func sums<Scalar: SIMDScalar & BinaryFloatingPoint>(_ type: Scalar.Type, _ term: (Int, Int) -> Scalar) -> [Scalar] {
        var sums = [Scalar](repeating: 0, count: channels)
        let spatial = spatial
        for image in 0..<batch {
            var channel = 0
            while channel + 4 <= channels {
                let base = (image * channels + channel) * spatial
                var lanes = SIMD4(sums[channel], sums[channel + 1], sums[channel + 2], sums[channel + 3])
                for offset in 0..<spatial {
                    let index = base + offset
                    lanes += SIMD4(term(index, channel), term(index + spatial, channel + 1),
                                   term(index + 2 * spatial, channel + 2), term(index + 3 * spatial, channel + 3))
                }
                for lane in 0..<4 { sums[channel + lane] = lanes[lane] }
                channel += 4
            }
            for rest in channel..<channels {
                let base = (image * channels + rest) * spatial
                var sum = sums[rest]
                for offset in 0..<spatial { sum += term(base + offset, rest) }
                sums[rest] = sum
            }
        }
        return sums
    }
}
