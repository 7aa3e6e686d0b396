import Foundation
import SZNNCore

/// `eval --predictions`: per-example top-1 classes as a one-dimensional int64 `.npy`.
public enum PredictionsFile {
    /// Writes `predictions` to `url` atomically (the old file, if any, stays until every byte is on disk).
    public static func write(_ predictions: [Int], to url: URL) throws {
        let values = predictions.map(Int64.init)
        let bytes = values.withUnsafeBufferPointer { Data(buffer: $0) }
        let tensor = try Tensor(name: "predictions", dtype: .int64, shape: [values.count], bytes: bytes)
        try AtomicFile.write(try NumpyArray.encode(tensor), to: url)
    }
}
