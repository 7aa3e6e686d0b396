import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress and diagnostics on standard error; results go to standard output.
enum Terminal {
    /// True when standard error is a terminal, so redrawn progress lines make sense.
    static let interactive = isatty(2) != 0

    /// Seconds between two plain progress lines when standard error is a log, not a terminal.
    static let logInterval: TimeInterval = 10

    /// When the last plain progress line went to a log; guarded by `logLock`.
    nonisolated(unsafe) private static var lastLogged = Date.distantPast
    private static let logLock = NSLock()

    /// Shows progress: a redrawn line on a terminal, a plain line every `logInterval` seconds in a log.
    ///
    /// Long runs (tuning, compare) are then visible in CI logs too, without flooding them.
    static func progress(_ text: String) {
        if interactive {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            return
        }
        let now = Date()
        let due = logLock.withLock {
            guard now.timeIntervalSince(lastLogged) >= logInterval else { return false }
            lastLogged = now
            return true
        }
        if due { log(text) }
    }

    /// Clears the progress line.
    static func endProgress() {
        guard interactive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// Writes one log line to standard error (logs stay readable when redirected to a file).
    static func log(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints JSON (sorted keys, pretty) to standard output.
    static func printJSON(_ object: Any) throws {
        print(String(decoding: try jsonData(object), as: UTF8.self))
    }

    /// `value`, or JSON null when it is not finite (a PSNR of an exact tensor is +∞; JSON has no ∞).
    static func finite(_ value: Double) -> Any { value.isFinite ? value : NSNull() }

    /// The version of the JSON reports' layout, written as `schema_version` into every report;
    /// raised when a key is renamed or changes meaning, so scripts can tell.
    static let reportSchemaVersion = 2

    /// `object` as pretty-printed JSON with sorted keys (stable diffs of committed reports); a
    /// report object gets its `schema_version`.
    static func jsonData(_ object: Any) throws -> Data {
        var versioned = object
        if var report = object as? [String: Any] {
            report["schema_version"] = reportSchemaVersion
            versioned = report
        }
        return try JSONSerialization.data(withJSONObject: versioned, options: [.prettyPrinted, .sortedKeys])
    }
}

/// A plain text table with right-aligned numeric columns.
struct TextTable {
    let header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as lines; the first column is left-aligned, the others right-aligned.
    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}

/// Short human formats for numbers in tables.
enum Format {
    static func bytes(_ count: Int) -> String {
        if count < 10_000 { return "\(count) B" }
        if count < 10_000_000 { return String(format: "%.1f KB", Double(count) / 1000) }
        return String(format: "%.1f MB", Double(count) / 1_000_000)
    }

    static func number(_ value: Double, digits: Int = 2) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "inf"
    }

    static func bound(_ value: Double) -> String { String(format: "%.3g", value) }

    /// Seconds as m:ss (or h:mm:ss).
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.isFinite ? max(0, seconds).rounded() : 0)
        let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }

    /// "ETA m:ss" for a job `done` of `total` units into it since `started` (a linear estimate).
    static func eta(started: Date, done: Int, total: Int) -> String {
        guard done > 0, total > done else { return done >= total ? "ETA 0:00" : "ETA -" }
        let elapsed = Date().timeIntervalSince(started)
        return "ETA " + clock(elapsed / Double(done) * Double(total - done))
    }
}
