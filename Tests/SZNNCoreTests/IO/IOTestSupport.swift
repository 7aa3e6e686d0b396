import Foundation
import SZNNTestSupport
import Testing
@testable import SZNNCore

/// Shared helpers for the model-file I/O tests.
enum IOTestSupport {
    /// A tensor of `dtype` whose bytes follow a deterministic pattern (valid for every dtype: bools are 0 or 1).
    static func patternTensor(_ name: String, _ dtype: DType, shape: [Int], seed: UInt64 = 1) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let count = shape.reduce(1, *) * dtype.byteWidth
        let bytes = (0..<count).map { _ in
            dtype == .bool ? UInt8.random(in: 0...1, using: &generator) : UInt8.random(in: 0...255, using: &generator)
        }
        return try Tensor(name: name, dtype: dtype, shape: shape, bytes: Data(bytes))
    }

    /// A model with one small tensor of every dtype, in dtype order.
    static func everyDTypeModel(excluding excluded: Set<DType> = []) throws -> Model {
        let tensors = try DType.allCases.filter { !excluded.contains($0) }.enumerated().map { index, dtype in
            try patternTensor("layer\(index).\(dtype.safetensorsName.lowercased())", dtype,
                              shape: [2, index % 3 + 1], seed: UInt64(index + 1))
        }
        return Model(tensors: tensors, metadata: ["format": "pt", "note": "quote \" backslash \\ newline \n ünïcode"])
    }

    /// Runs `decode` on `iterations` seeded mutations of `valid` (byte flips or truncations):
    /// each must decode or throw `SZNNError`, never crash or throw anything else.
    static func fuzz(_ valid: Data, iterations: Int = 200, seed: UInt64,
                     decode: (Data) throws -> Void) {
        var generator = SeededGenerator(seed: seed)
        for iteration in 0..<iterations {
            var bytes = [UInt8](valid)
            if iteration % 4 == 3 {
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] ^= UInt8.random(in: 1...255, using: &generator)
                }
            }
            // Decode from a slice whose indices do not start at zero, as a mapped file's slices may.
            let padded = Data([0xAA] + bytes)
            do {
                try decode(padded.dropFirst())
            } catch is SZNNError {
            } catch {
                Issue.record("iteration \(iteration) threw a non-SZNNError: \(error)")
            }
        }
    }

    /// The element values of a tensor as `T`, read little-endian.
    static func values<T: FixedWidthInteger>(_ tensor: Tensor, as type: T.Type) -> [T] {
        tensor.bytes.withUnsafeBytes { raw in
            (0..<(raw.count / MemoryLayout<T>.size)).map {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self))
            }
        }
    }

    /// The element values of a float tensor as Double.
    static func doubles(_ tensor: Tensor) -> [Double] {
        if tensor.dtype == .float64 {
            return values(tensor, as: UInt64.self).map { Double(bitPattern: $0) }
        }
        return tensor.floatValues()?.map(Double.init) ?? []
    }
}
