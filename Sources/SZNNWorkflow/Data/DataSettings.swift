import Foundation
import SZNNCore

/// How a `.npz` data file is split and preprocessed (`--validation-split`, `--scale`, `--normalize`).
///
/// An IDX folder is MNIST with its fixed split and normalisation, so these settings apply to
/// `.npz` files only; `DataLoader` rejects them for a folder rather than ignore them.
public struct DataSettings: Sendable, Equatable {
    /// How many examples of a single `x`/`y` go to validation (the rest are the test set).
    public enum ValidationSize: Sendable, Equatable {
        /// A fraction in (0, 1) of the examples, rounded to the nearest count.
        case fraction(Double)
        /// An exact number of examples.
        case count(Int)
    }

    /// The validation share of a single `x`/`y`; nil means the default, half.
    public var validationSize: ValidationSize?
    /// The factor applied to every value first; nil means 1/255 for uint8 and 1 for floats.
    public var scale: Double?
    /// Per-channel (or one) mean and standard deviation: x' = (x·scale − mean)/std; nil leaves x as scaled.
    public var normalization: Normalization?

    /// `--normalize`: one mean and deviation for every value, or one pair per channel (sample axis 0).
    public struct Normalization: Sendable, Equatable {
        public var mean: [Double]
        public var standardDeviation: [Double]

        /// A normalisation of `mean.count` channels; both arrays must have the same length.
        public init(mean: [Double], standardDeviation: [Double]) {
            self.mean = mean
            self.standardDeviation = standardDeviation
        }
    }

    /// Settings that change nothing: the defaults.
    public init(validationSize: ValidationSize? = nil, scale: Double? = nil,
                normalization: Normalization? = nil) {
        self.validationSize = validationSize
        self.scale = scale
        self.normalization = normalization
    }

    /// Whether any setting differs from the default (a folder of IDX files accepts none).
    public var isDefault: Bool { validationSize == nil && scale == nil && normalization == nil }

    /// Parses `--validation-split`: a fraction such as `0.2` (strictly between 0 and 1) or a count such as `500`.
    public static func parseValidationSize(_ text: String) throws -> ValidationSize {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let count = Int(trimmed) {
            guard count >= 1 else { throw invalid("--validation-split count must be at least 1, got \(text)") }
            return .count(count)
        }
        guard let fraction = Double(trimmed), fraction > 0, fraction < 1 else {
            throw invalid("--validation-split must be a fraction strictly between 0 and 1 or a whole count, got '\(text)'")
        }
        return .fraction(fraction)
    }

    /// Parses `--normalize mean,std` (one channel) or `m1,m2,…,s1,s2,…` (as many means as deviations).
    public static func parseNormalization(_ text: String) throws -> Normalization {
        let values = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count >= 2, values.count.isMultiple(of: 2), let numbers = values as? [Double],
              numbers.allSatisfy(\.isFinite) else {
            throw invalid("--normalize needs an even number of comma-separated numbers (means, then standard deviations), got '\(text)'")
        }
        let half = numbers.count / 2
        let deviations = Array(numbers[half...])
        guard deviations.allSatisfy({ $0 > 0 }) else {
            throw invalid("--normalize standard deviations must be positive, got \(deviations.map { "\($0)" }.joined(separator: ","))")
        }
        return Normalization(mean: Array(numbers[..<half]), standardDeviation: deviations)
    }

    /// Parses `--scale`: a finite, non-zero factor.
    public static func parseScale(_ text: String) throws -> Double {
        guard let scale = Double(text.trimmingCharacters(in: .whitespaces)), scale.isFinite, scale != 0 else {
            throw invalid("--scale must be a finite non-zero number, got '\(text)'")
        }
        return scale
    }

    private static func invalid(_ message: String) -> SZNNError {
        SZNNError(.invalidArgument, message, hint: "see `sz-nn eval --help` for the --data options")
    }
}
