import Foundation

/// One-dimensional k-means over a tensor's values: a codebook and one index per value.
///
/// Centroids start evenly spaced between the minimum and the maximum (Han et al. found linear
/// initialisation keeps the rare large weights, which matter most, better than density-based
/// starts). Lloyd iterations run on the sorted values, where every cluster is a contiguous
/// run and its mean comes from prefix sums, so an iteration costs O(k log n).
public struct KMeans1D {
    public let centroids: [Float]

    public init(values: [Float], clusters: Int, iterations: Int = 40) {
        let sorted = values.map(Double.init).sorted()
        guard let low = sorted.first, let high = sorted.last, clusters > 1, high > low else {
            centroids = [Float(sorted.first ?? 0)]
            return
        }
        var prefix = [Double](repeating: 0, count: sorted.count + 1)
        for (index, value) in sorted.enumerated() { prefix[index + 1] = prefix[index] + value }
        var means = (0..<clusters).map { low + (high - low) * Double($0) / Double(clusters - 1) }
        for _ in 0..<iterations {
            var start = 0
            var moved = false
            for cluster in 0..<clusters {
                let end = cluster == clusters - 1 ? sorted.count
                    : KMeans1D.firstIndex(in: sorted, notBelow: (means[cluster] + means[cluster + 1]) / 2, from: start)
                if end > start {
                    let mean = (prefix[end] - prefix[start]) / Double(end - start)
                    moved = moved || mean != means[cluster]
                    means[cluster] = mean
                }
                start = end
            }
            if !moved { break }
        }
        centroids = means.map(Float.init)
    }

    /// The index of the nearest centroid of each value (centroids are sorted ascending).
    public func assign(_ values: [Float]) -> [Int] {
        let boundaries = zip(centroids, centroids.dropFirst()).map { ($0 + $1) / 2 }
        return values.map { value in
            var (lower, upper) = (0, boundaries.count)
            while lower < upper {
                let middle = (lower + upper) / 2
                if value < boundaries[middle] { upper = middle } else { lower = middle + 1 }
            }
            return lower
        }
    }

    /// The first index at or after `start` whose value is >= `threshold` (binary search).
    static func firstIndex(in sorted: [Double], notBelow threshold: Double, from start: Int) -> Int {
        var (lower, upper) = (start, sorted.count)
        while lower < upper {
            let middle = (lower + upper) / 2
            if sorted[middle] < threshold { lower = middle + 1 } else { upper = middle }
        }
        return lower
    }
}
