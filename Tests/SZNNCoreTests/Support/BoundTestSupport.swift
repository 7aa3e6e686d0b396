import Foundation
import SZNNCABAC
import SZNNCore
import SZNNZstd
import SZNNTestSupport
import Testing

/// Builders for float tensors of any dtype and the element-wise check of the error-bound promise.
enum BoundTestSupport {
    /// The float dtypes, the only ones quantized with a bound.
    static let floatTypes: [DType] = [.float64, .float32, .float16, .bfloat16]

    /// Every backend this build has, keyed as records name them (what the CLI decodes with).
    static func allBackends() throws -> [BackendIdentifier: any EntropyBackend] {
        [.stored: StoredBackend(), .zstd: try ZstdBackend(), .cabac: try CABACBackend()]
    }

    /// A tensor whose elements are exactly the given bit patterns (low `dtype.byteWidth` bytes each).
    static func tensor(_ dtype: DType, shape: [Int], bits: [UInt64], name: String = "t") throws -> Tensor {
        var bytes = [UInt8](repeating: 0, count: bits.count * dtype.byteWidth)
        bytes.withUnsafeMutableBytes { raw in
            for (index, pattern) in bits.enumerated() { FloatCodec.store(bits: pattern, into: raw, index: index, dtype: dtype) }
        }
        return try Tensor(name: name, dtype: dtype, shape: shape, bytes: Data(bytes))
    }

    /// A tensor of `values` rounded (nearest-even) to `dtype`.
    static func tensor(_ dtype: DType, shape: [Int], values: [Double], name: String = "t") throws -> Tensor {
        try tensor(dtype, shape: shape, bits: values.map { FloatCodec.bits(of: $0, as: dtype) }, name: name)
    }

    /// The raw bit pattern of every element.
    static func bits(_ tensor: Tensor) -> [UInt64] {
        tensor.bytes.withUnsafeBytes { raw in
            (0..<tensor.elementCount).map { FloatCodec.loadBits(raw, index: $0, dtype: tensor.dtype) }
        }
    }

    /// Encodes and decodes `tensor` through the whole pipeline (record → container bytes → record).
    static func roundTrip(_ tensor: Tensor, settings: TensorSettings, backend: any EntropyBackend) throws -> Tensor {
        let record = try TensorEncoder.encode(tensor, settings: settings, backend: backend)
        let file = try ContainerEncoder.encode(Container(metadata: [:], records: [record]))
        let decoded = try ContainerDecoder.decode(file, fileName: "round-trip.sznn")
        return try TensorDecoder.decode(decoded.records[0], backends: allBackends())
    }

    /// Every way `decoded` breaks the promise for `original` under `bounds`, described (empty when it holds).
    ///
    /// The rule is `ErrorBoundCheck`, the one `sz-nn verify` applies.
    static func violations(original: Tensor, decoded: Tensor, bounds: ErrorBounds, limit: Int = 5) -> [String] {
        guard original.dtype == decoded.dtype, original.shape == decoded.shape else {
            return ["decoded is \(decoded.dtype) \(decoded.shape), expected \(original.dtype) \(original.shape)"]
        }
        let dtype = original.dtype
        let lookup = BoundLookup(bounds: bounds, shape: original.shape)
        let left = bits(original), right = bits(decoded)
        var found: [String] = []
        for index in left.indices where found.count < limit {
            let bound = lookup.bound(at: index)
            let value = FloatCodec.value(ofBits: left[index], as: dtype)
            let back = FloatCodec.value(ofBits: right[index], as: dtype)
            if !ErrorBoundCheck.holds(original: left[index], reconstructed: right[index], dtype: dtype, bound: bound) {
                found.append("element \(index): \(value) (bits \(String(left[index], radix: 16))) came back as \(back) (bits \(String(right[index], radix: 16))), bound \(bound)")
            }
        }
        return found
    }
}

/// Seeded draws from the distributions trained weights resemble.
extension SeededGenerator {
    /// A uniform double in (0, 1], never 0 so that logarithms stay finite.
    mutating func unitInterval() -> Double {
        Double(next() >> 11 &+ 1) * 0x1p-53
    }

    /// A normal deviate (Box–Muller).
    mutating func normal(standardDeviation: Double) -> Double {
        standardDeviation * (-2 * log(unitInterval())).squareRoot() * cos(2 * .pi * unitInterval())
    }

    /// A Laplace deviate: heavier tails than the normal, as pruned-and-retrained weights have.
    mutating func laplace(scale: Double) -> Double {
        let magnitude = -scale * log(unitInterval())
        return next() & 1 == 0 ? magnitude : -magnitude
    }
}
