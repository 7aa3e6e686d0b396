import Foundation
import SZNNCore
import SZNNEngine

/// Small synthetic `.npz` data files written with Core's `NumpyArchive`, one temporary folder per test.
struct NumpyDataFixture {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sznn-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Removes the folder.
    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    /// Writes `arrays` (name → tensor) as `name.npz` and returns its URL.
    func write(_ name: String, _ arrays: [Tensor]) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try NumpyArchive.encode(Model(tensors: arrays), deflated: false).write(to: url)
        return url
    }

    /// A tensor of `dtype` holding the raw bytes of `values`.
    static func tensor<Element>(_ name: String, _ dtype: DType, shape: [Int], _ values: [Element]) throws -> Tensor {
        try Tensor(name: name, dtype: dtype, shape: shape, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    /// Labels as int64.
    static func labels(_ name: String, _ values: [Int]) throws -> Tensor {
        try tensor(name, .int64, shape: [values.count], values.map(Int64.init))
    }

    /// A dense classifier of `[features]` inputs into `classes` classes with seeded weights.
    static func network(features: Int, classes: Int) throws -> Network {
        try Network(configuration: NetworkConfiguration(
            name: "tiny", input: [features], layers: [LayerConfiguration(type: "dense", name: "fc", outputFeatures: classes)]), seed: 3)
    }
}
