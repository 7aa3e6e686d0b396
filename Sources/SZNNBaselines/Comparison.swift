import Foundation
import SZNNCore

/// Runs methods against one target and verifies each result.
///
/// The methods' candidates are already decoded from the bytes they count; here each one's
/// test accuracy is measured, its time and evaluations counted, and the rows are sorted by ratio.
public struct Comparison {
    public let subject: ComparisonSubject
    public let methods: [any CompressionMethod]

    public init(subject: ComparisonSubject, methods: [any CompressionMethod]) {
        self.subject = subject
        self.methods = methods
    }

    /// The rows for `target` (percentage points), best ratio first, and the methods that could not run.
    public func run(target: Double) throws -> (rows: [ComparisonRow], failures: [(method: MethodName, reason: String)]) {
        var rows: [ComparisonRow] = []
        var failures: [(method: MethodName, reason: String)] = []
        for method in methods {
            let started = Date()
            let evaluationsBefore = subject.evaluations
            let candidate: Candidate
            do {
                candidate = try method.search(target: target, subject: subject)
            } catch let error as SZNNError where error.code == .targetUnreachable {
                failures.append((method.name, error.message))
                continue
            }
            let test = try subject.testAccuracy(of: candidate.weights)
            let loss = (subject.baselineValidation - candidate.validationAccuracy) * 100
            rows.append(ComparisonRow(
                method: method.name, target: target, bytes: candidate.bytes,
                ratio: Double(subject.originalBytes) / Double(max(candidate.bytes, 1)),
                bitsPerWeight: Double(candidate.bytes * 8) / Double(max(subject.weightCount, 1)),
                validationAccuracy: candidate.validationAccuracy, testAccuracy: test, validationLoss: loss,
                testLoss: (subject.baselineTest - test) * 100, metTarget: loss <= target + 1e-9,
                seconds: Date().timeIntervalSince(started), evaluations: subject.evaluations - evaluationsBefore,
                setting: candidate.setting))
        }
        return (rows.sorted { $0.ratio > $1.ratio }, failures)
    }
}
