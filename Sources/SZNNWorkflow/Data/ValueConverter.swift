import Foundation
import SZNNCore

/// Turns a `.npz`'s `x` and `y` arrays into an `ExampleSet`: scaled, normalised, checked values
/// and non-negative integer labels. Remembers the scaling it applied, for the report.
struct ValueConverter {
    let fileName: String
    let settings: DataSettings
    /// One entry per distinct input dtype, e.g. `uint8: x·(1/255)`, in order of appearance.
    private(set) var scalings: [String] = []

    init(fileName: String, settings: DataSettings) {
        self.fileName = fileName
        self.settings = settings
    }

    /// The preprocessing as a formula, e.g. `uint8: x·(1/255), then (x − 0.1307)/0.3081`.
    var formula: String {
        var text = scalings.joined(separator: "; ")
        if let normalization = settings.normalization {
            text += ", then (x − \(list(normalization.mean)))/\(list(normalization.standardDeviation))"
                + (normalization.mean.count > 1 ? " per channel" : "")
        }
        return text
    }

    /// The split `name` from the examples `x` and the labels `y` (nil: unlabelled).
    mutating func set(_ name: String, x: Tensor, y: Tensor?, labelName: String) throws -> ExampleSet {
        guard let count = x.shape.first, x.shape.count >= 2 else {
            throw malformed("\(x.name) has shape \(x.shape); it must be N × the example shape", hint: "save x with one row per example")
        }
        guard count > 0 else { throw malformed("\(x.name) holds no examples", hint: "the \(name) set must not be empty") }
        let sampleShape = Array(x.shape.dropFirst())
        let labels = try y.map { try self.labels($0, count: count, examplesName: x.name) }
        let values = try convert(x, sampleShape: sampleShape)
        return ExampleSet(name: name, sampleShape: sampleShape, values: values, labels: labels, count: count)
    }

    /// The scaled and normalised values of `x`; every one must be finite.
    private mutating func convert(_ x: Tensor, sampleShape: [Int]) throws -> [Float] {
        var values: [Float]
        let defaultScale: Double
        let scaleText: String
        if x.dtype == .uint8 {
            values = x.bytes.map { Float($0) }
            defaultScale = 1.0 / 255
            scaleText = "(1/255)"
        } else if let floats = x.floatValues(), x.dtype != .bfloat16 {
            values = floats
            defaultScale = 1
            scaleText = "1"
        } else {
            throw malformed("\(x.name) is \(x.dtype.safetensorsName); examples must be float16, float32, float64 or uint8",
                            hint: "convert x with x.astype(numpy.float32)")
        }
        let scale = Float(settings.scale ?? defaultScale)
        let scaling = "\(x.dtype == .uint8 ? "uint8" : "float\(x.dtype.byteWidth * 8)"): x·\(settings.scale.map { "\($0)" } ?? scaleText)"
        if !scalings.contains(scaling) { scalings.append(scaling) }

        let channels = sampleShape[0], sampleSize = sampleShape.reduce(1, *), channelSize = sampleSize / max(channels, 1)
        var shift = [Float](repeating: 0, count: channels), factor = [Float](repeating: scale, count: channels)
        if let normalization = settings.normalization {
            guard normalization.mean.count == 1 || normalization.mean.count == channels else {
                throw SZNNError(.invalidArgument,
                                "--normalize gives \(normalization.mean.count) channels but the examples of '\(fileName)' have \(channels) (shape \(sampleShape))",
                                hint: "give one mean and deviation, or one per channel (axis 1 of x)")
            }
            for channel in 0..<channels {
                let index = normalization.mean.count == 1 ? 0 : channel
                factor[channel] = Float(Double(scale) / normalization.standardDeviation[index])
                shift[channel] = Float(normalization.mean[index] / normalization.standardDeviation[index])
            }
        }
        var firstNonFinite: Int?
        values.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                let channel = (index % sampleSize) / channelSize
                let value = buffer[index] * factor[channel] - shift[channel]
                if !value.isFinite, firstNonFinite == nil { firstNonFinite = index }
                buffer[index] = value
            }
        }
        if let index = firstNonFinite {
            throw malformed("\(x.name) holds NaN or infinity (example \(index / sampleSize)) after preprocessing",
                            hint: "remove or fix non-finite values; check --scale and --normalize")
        }
        return values
    }

    /// The labels of `y` as Int: one per example, an integer dtype, none negative.
    private func labels(_ y: Tensor, count: Int, examplesName: String) throws -> [Int] {
        guard y.shape.count == 1 else {
            throw malformed("\(y.name) has shape \(y.shape); labels must be one-dimensional (N)", hint: "save y as a vector of class indices")
        }
        guard y.shape[0] == count else {
            throw malformed("\(examplesName) has \(count) examples but \(y.name) has \(y.shape[0]) labels",
                            hint: "x and y must have the same length")
        }
        let labels: [Int]? = y.bytes.withUnsafeBytes { raw -> [Int]? in
            func read<Element: FixedWidthInteger>(_ type: Element.Type) -> [Int] {
                (0..<count).map { Int(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<Element>.size, as: Element.self)) }
            }
            switch y.dtype {
            case .int8: return read(Int8.self)
            case .int16: return read(Int16.self)
            case .int32: return read(Int32.self)
            case .int64: return read(Int64.self)
            case .uint8: return read(UInt8.self)
            case .uint16: return read(UInt16.self)
            case .uint32: return read(UInt32.self)
            // A uint64 above Int64.max wraps to a negative Int and is rejected below.
            case .uint64: return read(UInt64.self)
            default: return nil
            }
        }
        guard let labels else {
            throw malformed("\(y.name) is \(y.dtype.safetensorsName); labels must be an integer dtype",
                            hint: "convert y with y.astype(numpy.int64)")
        }
        if let index = labels.firstIndex(where: { $0 < 0 }) {
            throw malformed("\(y.name)[\(index)] is \(labels[index]); labels must be ≥ 0", hint: "labels are class indices 0, 1, 2, …")
        }
        return labels
    }

    private func malformed(_ message: String, hint: String) -> SZNNError {
        NumpyDataReader.malformed(fileName, message, hint: hint)
    }

    private func list(_ values: [Double]) -> String {
        values.count == 1 ? "\(values[0])" : "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
    }
}
