import Foundation
import SZNNCore
import Testing

/// The stable error codes are a contract: FORMAT.md §6 lists exactly the codes the code has.
@Suite("Error code table")
struct ErrorCodeTableTests {
    @Test("FORMAT.md §6 lists every SZNNError code with its name, and no other")
    func codesMatchFormatDocument() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let format = try String(contentsOf: root.appendingPathComponent("FORMAT.md"), encoding: .utf8)
        let section = try #require(format.range(of: "## 6. Errors").map { String(format[$0.upperBound...]) })
        var documented: [Int: String] = [:]
        for line in section.split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let code = Int(cells[0]) else { continue }
            #expect(documented.updateValue(cells[1], forKey: code) == nil, "code \(code) is listed twice")
        }
        let actual = Dictionary(uniqueKeysWithValues: SZNNError.Code.allCases.map { ($0.rawValue, "\($0)") })
        #expect(documented == actual)
    }
}
