import Foundation
import SZNNCore
import SZNNEngine
import SZNNWorkflow
import Testing

/// `.npz` data files: conversion, the split rule, normalisation, and labels from the model.
@Suite struct DataSourceTests {
    @Test("uint8 x with y: scaled by 1/255, split in contiguous halves, validation stands in for training")
    func uint8Halves() throws {
        let fixture = try NumpyDataFixture()
        defer { fixture.cleanUp() }
        let bytes: [UInt8] = (0..<20).map { UInt8($0 * 10) }
        let url = try fixture.write("d.npz", [try NumpyDataFixture.tensor("x", .uint8, shape: [5, 4], bytes),
                                              try NumpyDataFixture.labels("y", [0, 1, 2, 1, 0])])
        let source = try DataSource.load(url)
        #expect(source.validation.count == 3 && source.test.count == 2) // 2.5 rounds to 3
        #expect(source.validation.labels == [0, 1, 2] && source.test.labels == [1, 0])
        #expect(source.validation.sampleShape == [4])
        #expect(source.test.values.first == Float(120) * Float(1.0 / 255))
        #expect(!source.hasTrainingSplit && source.hasLabels && !source.description.labelsArePredictions)
        let data = try source.labelled(for: try NumpyDataFixture.network(features: 4, classes: 3))
        #expect(data.training.labels == data.validation.labels)
        #expect(data.description.summaryLines.last == "labels: from the data file")
    }

    @Test("--validation-split as a count or fraction, --scale and one --normalize pair on float32")
    func floatScaleNormalize() throws {
        let fixture = try NumpyDataFixture()
        defer { fixture.cleanUp() }
        let values: [Float] = (0..<16).map(Float.init)
        let url = try fixture.write("f.npz", [try NumpyDataFixture.tensor("x", .float32, shape: [8, 2], values)])
        let settings = DataSettings(validationSize: try DataSettings.parseValidationSize("3"), scale: try DataSettings.parseScale("2"),
                                    normalization: try DataSettings.parseNormalization("1,4"))
        let source = try DataSource.load(url, settings: settings)
        #expect(source.validation.count == 3 && source.test.count == 5)
        #expect(source.validation.values[1] == Float(1 * 2 - 1) / 4)
        #expect(source.test.values[0] == Float(6 * 2 - 1) / 4)
        #expect(source.description.normalization == "float32: x·2.0, then (x − 1.0)/4.0")
        let quarter = try DataSource.load(url, settings: DataSettings(validationSize: try DataSettings.parseValidationSize("0.25")))
        #expect(quarter.validation.count == 2 && quarter.test.count == 6)
    }

    @Test("per-channel normalisation uses sample axis 0; float64 and float16 convert")
    func perChannel() throws {
        let fixture = try NumpyDataFixture()
        defer { fixture.cleanUp() }
        let values: [Double] = [1, 1, 3, 3, 5, 5, 7, 7] // two examples of 2 channels × 2
        let url = try fixture.write("c.npz", [try NumpyDataFixture.tensor("x", .float64, shape: [2, 2, 2], values)])
        let source = try DataSource.load(url, settings: DataSettings(normalization: try DataSettings.parseNormalization("1,3,2,4")))
        #expect(source.validation.values == [0, 0, 0, 0])
        #expect(source.test.values == [2, 2, 1, 1])
        let half = try fixture.write("h.npz", [try NumpyDataFixture.tensor("x", .float16, shape: [2, 1], [Float16(0.5), Float16(-2)])])
        #expect(try DataSource.load(half).test.values == [-2])
    }

    @Test("x_val/x_test/x_train are used as they are, with their labels")
    func namedSplits() throws {
        let fixture = try NumpyDataFixture()
        defer { fixture.cleanUp() }
        let url = try fixture.write("n.npz", [
            try NumpyDataFixture.tensor("x_train", .float32, shape: [3, 2], [Float](repeating: 1, count: 6)),
            try NumpyDataFixture.labels("y_train", [0, 1, 0]),
            try NumpyDataFixture.tensor("x_val", .float32, shape: [2, 2], [Float](repeating: 2, count: 4)),
            try NumpyDataFixture.labels("y_val", [1, 1]),
            try NumpyDataFixture.tensor("x_test", .float32, shape: [1, 2], [Float](repeating: 3, count: 2)),
            try NumpyDataFixture.labels("y_test", [0]),
        ])
        let source = try DataSource.load(url)
        #expect(source.training?.count == 3 && source.validation.count == 2 && source.test.count == 1)
        #expect(source.test.values == [3, 3] && source.validation.labels == [1, 1])
        #expect(source.description.counts == (3, 2, 1))
    }

    @Test("without y, every split is labelled with the network's own top-1 predictions")
    func labelsFromPredictions() throws {
        let fixture = try NumpyDataFixture()
        defer { fixture.cleanUp() }
        let values: [Float] = (0..<40).map { Float(($0 * 37) % 11) - 5 }
        let url = try fixture.write("u.npz", [try NumpyDataFixture.tensor("x", .float32, shape: [10, 4], values)])
        let source = try DataSource.load(url)
        #expect(!source.hasLabels && source.description.labelsArePredictions)
        let network = try NumpyDataFixture.network(features: 4, classes: 3)
        let data = try source.labelled(for: network, batchSize: 3)
        let expected = try network.predictions(for: FloatTensor(shape: [10, 4], values: values))
        #expect(data.validation.labels + data.test.labels == expected)
        #expect(Set(expected).count > 1)
        #expect(LabelledData.accuracy(of: try LabelledData.predictions(of: network, on: data.test), on: data.test) == 1)
        #expect(data.description.summaryLines.last == "labels: the model's own predictions (agreement)")
    }
}
