import SZNNCore

/// Top-k sparsification (DGC-style): the `fraction` largest-magnitude values of a layer sent
/// exactly, everything else left to the sender's error feedback.
///
/// Message: the kept positions (`GolombRiceCoder`), then their values as float32.
public struct TopKCodec: UpdateCodec {
    /// The share of each layer's values sent, in (0, 1].
    public let fraction: Double

    public init(fraction: Double) throws {
        self.fraction = try SparseFraction.checked(fraction, codec: "top-k")
    }

    public func encode(_ values: [Float], shape: [Int]) throws -> [UInt8] {
        let positions = TopSelection.largest(SparseFraction.keptCount(fraction, of: values.count), of: values.map(\.magnitude))
        var bytes = GolombRiceCoder.encode(positions: positions)
        for position in positions { bytes.appendLittleEndian(values[position].bitPattern) }
        return bytes
    }

    public func decode(_ bytes: [UInt8], shape: [Int]) throws -> [Float] {
        let count = shape.reduce(1, *)
        var reader = MessageReader(bytes)
        let positions = try GolombRiceCoder.decode(&reader, elementCount: count)
        var values = [Float](repeating: 0, count: count)
        for position in positions { values[position] = Float(bitPattern: try reader.uint32()) }
        try reader.finish()
        return values
    }
}

/// Sparse binary compression (SBC-style): of the `fraction` largest positive and the `fraction`
/// most negative values, only the side whose mean magnitude is larger is sent, every kept value
/// replaced by that signed mean.
///
/// Message: the kept positions (`GolombRiceCoder`), then the signed mean as float32.
public struct SparseBinaryCodec: UpdateCodec {
    /// The share of each layer's values considered on each side, in (0, 1].
    public let fraction: Double

    public init(fraction: Double) throws {
        self.fraction = try SparseFraction.checked(fraction, codec: "sparse binary")
    }

    public func encode(_ values: [Float], shape: [Int]) throws -> [UInt8] {
        let kept = SparseFraction.keptCount(fraction, of: values.count)
        // Non-positive keys never win a side: a side with no values of its sign keeps nothing.
        let positive = TopSelection.largest(kept, of: values.map { max($0, 0) }).filter { values[$0] > 0 }
        let negative = TopSelection.largest(kept, of: values.map { max(-$0, 0) }).filter { values[$0] < 0 }
        let positiveMean = mean(positive.map { values[$0] })
        let negativeMean = mean(negative.map { -values[$0] })
        let (positions, level) = positiveMean >= negativeMean ? (positive, positiveMean) : (negative, -negativeMean)
        var bytes = GolombRiceCoder.encode(positions: positions)
        bytes.appendLittleEndian(Float(level).bitPattern)
        return bytes
    }

    public func decode(_ bytes: [UInt8], shape: [Int]) throws -> [Float] {
        let count = shape.reduce(1, *)
        var reader = MessageReader(bytes)
        let positions = try GolombRiceCoder.decode(&reader, elementCount: count)
        let level = Float(bitPattern: try reader.uint32())
        try reader.finish()
        var values = [Float](repeating: 0, count: count)
        for position in positions { values[position] = level }
        return values
    }

    private func mean(_ values: [Float]) -> Double {
        values.isEmpty ? 0 : values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    }
}

/// Finds the positions of the largest keys in linear expected time (quickselect), not a full sort.
enum TopSelection {
    /// The positions of the `count` largest `keys`, ascending; ties at the threshold are taken in order.
    static func largest(_ count: Int, of keys: [Float]) -> [Int] {
        guard count < keys.count else { return Array(keys.indices) }
        guard count > 0 else { return [] }
        var scratch = keys
        let threshold = selectDescending(&scratch, rank: count - 1)
        let above = keys.reduce(0) { $0 + ($1 > threshold ? 1 : 0) }
        var positions: [Int] = []
        positions.reserveCapacity(count)
        var tiesAllowed = count - above
        for (position, key) in keys.enumerated() {
            if key > threshold {
                positions.append(position)
            } else if key == threshold, tiesAllowed > 0 {
                positions.append(position)
                tiesAllowed -= 1
            }
        }
        return positions
    }

    /// The value of rank `rank` (0 = largest) of `values`, reordering them (Hoare partition, middle pivot).
    static func selectDescending(_ values: inout [Float], rank: Int) -> Float {
        var low = 0, high = values.count - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var left = low, right = high
            while left <= right {
                while values[left] > pivot { left += 1 }
                while values[right] < pivot { right -= 1 }
                if left <= right {
                    values.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            if rank <= right { high = right } else if rank >= left { low = left } else { return values[rank] }
        }
        return values[rank]
    }
}

/// The share of a layer's values a sparse codec keeps.
enum SparseFraction {
    /// `fraction` when it is in (0, 1]; otherwise an error naming the codec.
    static func checked(_ fraction: Double, codec: String) throws -> Double {
        guard fraction > 0, fraction <= 1 else {
            throw SZNNError(.invalidArgument, "the \(codec) fraction must be in (0, 1], got \(fraction)")
        }
        return fraction
    }

    /// How many of `count` values `fraction` keeps: at least one.
    static func keptCount(_ fraction: Double, of count: Int) -> Int { max(1, Int((fraction * Double(count)).rounded())) }
}
