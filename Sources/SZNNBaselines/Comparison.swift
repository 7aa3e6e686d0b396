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
        let runStarted = Date(), report = subject.progress
        defer { subject.progress = report }
        for (position, method) in methods.enumerated() {
            let started = Date()
            // Every message of this method says where the run is, so a log shows progress and an ETA.
            let status = Self.status(position: position, count: methods.count, elapsedSeconds: started.timeIntervalSince(runStarted))
            subject.progress = { report("\(status) \($0)") }
            subject.progress("\(method.name.rawValue): searching")
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

    /// "[method 3/10, ETA ~2 min]": the remaining methods at the mean time of those done so far
    /// (methods differ widely, hence the "~"; no ETA before the first has finished).
    static func status(position: Int, count: Int, elapsedSeconds: Double) -> String {
        guard position > 0 else { return "[method 1/\(count)]" }
        let remaining = elapsedSeconds / Double(position) * Double(count - position)
        let eta = remaining < 90 ? "\(Int(remaining.rounded())) s" : "\(Int((remaining / 60).rounded())) min"
        return "[method \(position + 1)/\(count), ETA ~\(eta)]"
    }
}
