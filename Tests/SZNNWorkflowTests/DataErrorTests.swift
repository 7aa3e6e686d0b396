import Foundation
import SZNNCore
import SZNNEngine
import SZNNWorkflow
import Testing

/// Every bad data file fails with one clear line and a stable code.
@Suite struct DataErrorTests {
    /// The error `body` throws, which must be an `SZNNError`.
    func failure(_ body: () throws -> Void) -> SZNNError? {
        do {
            try body()
            return nil
        } catch let error as SZNNError {
            return error
        } catch {
            return nil
        }
    }

    /// Loads `arrays` as a `.npz` (and labels it for `network` when given) and returns the error.
    func loadError(_ arrays: [Tensor], settings: DataSettings = DataSettings(), network: Network? = nil) throws -> SZNNError? {
        let fixture = try NumpyDataFixture()
        defer { fixture.cleanUp() }
        let url = try fixture.write("bad.npz", arrays)
        return failure {
            let source = try DataSource.load(url, settings: settings)
            if let network { _ = try source.labelled(for: network) }
        }
    }

    let x4 = { (count: Int) in try NumpyDataFixture.tensor("x", .float32, shape: [count, 4], [Float](repeating: 0.5, count: count * 4)) }

    @Test("no x, or only one of x_val and x_test")
    func missingExamples() throws {
        let noX = try loadError([try NumpyDataFixture.labels("y", [0, 1])])
        #expect(noX?.code == .malformedDataset && noX?.message == "'bad.npz' has no array 'x' (nor 'x_val' and 'x_test')")
        let half = try loadError([try NumpyDataFixture.tensor("x_val", .float32, shape: [1, 1], [Float(0)])])
        #expect(half?.code == .malformedDataset && half?.message.contains("x_val but no x_test") == true)
    }

    @Test("x and y of different lengths")
    func lengthMismatch() throws {
        let error = try loadError([try x4(3), try NumpyDataFixture.labels("y", [0, 1])])
        #expect(error?.code == .malformedDataset)
        #expect(error?.message == "'bad.npz' x has 3 examples but y has 2 labels")
    }

    @Test("float or negative labels")
    func badLabels() throws {
        let float = try loadError([try x4(2), try NumpyDataFixture.tensor("y", .float32, shape: [2], [Float(0), 1])])
        #expect(float?.code == .malformedDataset && float?.message == "'bad.npz' y is F32; labels must be an integer dtype")
        let negative = try loadError([try x4(2), try NumpyDataFixture.tensor("y", .int8, shape: [2], [Int8(0), -1])])
        #expect(negative?.code == .malformedDataset && negative?.message == "'bad.npz' y[1] is -1; labels must be ≥ 0")
    }

    @Test("a label at or above the network's class count, or examples of another shape")
    func networkMismatch() throws {
        let network = try NumpyDataFixture.network(features: 4, classes: 3)
        let label = try loadError([try x4(2), try NumpyDataFixture.labels("y", [0, 3])], network: network)
        #expect(label?.code == .malformedDataset && label?.message.contains("test label 3 (example 0) is not below network 'tiny''s 3 classes") == true)
        let shape = try loadError([try NumpyDataFixture.tensor("x", .float32, shape: [2, 2, 2], [Float](repeating: 0, count: 8))], network: network)
        #expect(shape?.code == .malformedDataset && shape?.message.hasSuffix("examples have shape [2, 2] but network 'tiny' takes [4]") == true)
    }

    @Test("NaN in x, an empty x, an x too small to split, a split that leaves no test set")
    func badExamples() throws {
        var values = [Float](repeating: 0, count: 8)
        values[5] = .nan
        let nan = try loadError([try NumpyDataFixture.tensor("x", .float32, shape: [2, 4], values)])
        #expect(nan?.code == .malformedDataset && nan?.message == "'bad.npz' x holds NaN or infinity (example 1) after preprocessing")
        let empty = try loadError([try x4(0)])
        #expect(empty?.code == .malformedDataset && empty?.message == "'bad.npz' x holds no examples")
        let single = try loadError([try x4(1)])
        #expect(single?.code == .malformedDataset)
        let all = try loadError([try x4(4)], settings: DataSettings(validationSize: .count(4)))
        #expect(all?.code == .invalidArgument)
    }

    @Test("integer x other than uint8, unlabelled splits mixed with labelled ones, bad option text")
    func otherMistakes() throws {
        let integer = try loadError([try NumpyDataFixture.tensor("x", .int32, shape: [2, 1], [Int32(1), 2])])
        #expect(integer?.code == .malformedDataset && integer?.message.contains("must be float16, float32, float64 or uint8") == true)
        let mixed = try loadError([try x4(2), try NumpyDataFixture.tensor("x_train", .float32, shape: [1, 4], [Float](repeating: 0, count: 4)),
                                   try NumpyDataFixture.labels("y_train", [0])])
        #expect(mixed?.code == .malformedDataset && mixed?.message.contains("labels for some splits but not others") == true)
        for text in ["0", "1.5", "-3", "abc"] {
            #expect(failure { _ = try DataSettings.parseValidationSize(text) }?.code == .invalidArgument)
        }
        for text in ["1", "1,0", "1,2,3", "a,b"] {
            #expect(failure { _ = try DataSettings.parseNormalization(text) }?.code == .invalidArgument)
        }
        let channels = try loadError([try x4(2)], settings: DataSettings(normalization: try DataSettings.parseNormalization("0,0,1,1")))
        #expect(channels?.code == .invalidArgument)
    }

    @Test("an IDX folder takes no .npz options; other files are refused")
    func folderAndFileType() throws {
        let fixture = try NumpyDataFixture()
        defer { fixture.cleanUp() }
        let folder = failure { _ = try DataSource.load(fixture.directory, settings: DataSettings(scale: 1)) }
        #expect(folder?.code == .invalidArgument)
        let other = fixture.directory.appendingPathComponent("data.csv")
        try Data("1,2".utf8).write(to: other)
        #expect(failure { _ = try DataSource.load(other) }?.code == .unsupportedFileType)
        #expect(failure { _ = try DataSource.load(fixture.directory.appendingPathComponent("none.npz")) }?.code == .unreadableFile)
    }
}
