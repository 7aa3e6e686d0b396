import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow

/// `sz-nn inspect`: what a `.sznn` file holds, tensor by tensor, without decompressing.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a .sznn file's tensors: bound, predictor, backend, bytes, bits/weight and ratio.",
        discussion: HelpExamples.discussion("Checks every checksum. Ratios count payload bytes; the total counts the whole file.", examples: [
            ("the per-tensor table of a file", "sz-nn inspect model.sznn"),
            ("the same as JSON", "sz-nn inspect model.sznn --json"),
        ])
    )

    @Argument(help: "The .sznn file.")
    var file: String

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let bytes = try ModelLoader.readBytes(url)
        let container = try ContainerDecoder.decode(bytes, fileName: url.lastPathComponent)
        let report = ContainerReport(container, fileBytes: bytes.count)
        if json {
            var object = report.json()
            object["metadata"] = container.metadata
            try Terminal.printJSON(object)
        } else {
            if let tool = container.metadata["tool"] as? String, let source = container.metadata["source_name"] as? String {
                print("\(url.lastPathComponent): written by \(tool) from \(source)")
            }
            print(report.text())
        }
    }
}
