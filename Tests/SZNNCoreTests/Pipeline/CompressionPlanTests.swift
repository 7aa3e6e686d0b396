import Foundation
import SZNNCore
import Testing

/// Plan files (Configs/README.md): glob overrides on top of the command-line rule, field by field.
@Suite("compression plan")
struct CompressionPlanTests {
    static let commandLine = CompressionPlan.Rule(mode: .absolute, errorBound: 1e-3, predictor: .zero)

    /// Writes `json` to a temporary file, loads it as a plan and removes the file.
    static func load(_ json: String, losslessBelow: Int = 0) throws -> CompressionPlan {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("plan.json")
        try Data(json.utf8).write(to: url)
        return try CompressionPlan.load(from: url, defaultRule: commandLine, losslessBelowElements: losslessBelow)
    }

    static func floatTensor(_ name: String, count: Int = 300, dtype: DType = .float32) throws -> Tensor {
        try BoundTestSupport.tensor(dtype, shape: [count], values: (0..<count).map { Double($0) / Double(count) }, name: name)
    }

    @Test("later matching rules override earlier ones field by field")
    func fieldByFieldOverride() throws {
        let plan = try Self.load("""
        {"default": {"error_bound": 0.01},
         "tensors": [{"match": "conv*.weight", "mode": "rel", "error_bound": 0.05, "predictor": "lorenzo1d"},
                     {"match": "conv2.*", "error_bound": 0.002}]}
        """)
        let conv2 = plan.rule(for: "conv2.weight")
        #expect(conv2.mode == .relative)       // from the first override
        #expect(conv2.errorBound == 0.002)     // the second override wins
        #expect(conv2.predictor == .lorenzo1D) // kept from the first
        let conv1 = plan.rule(for: "conv1.weight")
        #expect(conv1.errorBound == 0.05)
        let fc = plan.rule(for: "fc.weight")
        #expect(fc.mode == .absolute)          // the command line's
        #expect(fc.errorBound == 0.01)         // the file's default over the command line's
        #expect(fc.predictor == .zero)
    }

    @Test("glob patterns: *, ? and [...] as in fnmatch", arguments: [
        ("*.bias", "fc1.bias", true), ("*.bias", "fc1.weight", false), ("layer?.weight", "layer3.weight", true),
        ("layer?.weight", "layer10.weight", false), ("fc[12].*", "fc2.bias", true), ("fc[12].*", "fc3.bias", false),
        ("fc1.weight", "fc1.weight", true), ("fc1.weight", "xfc1.weight", false),
    ])
    func globs(pattern: String, name: String, matches: Bool) throws {
        let plan = try Self.load(#"{"tensors": [{"match": "\#(pattern)", "error_bound": 0.5}]}"#)
        #expect((plan.rule(for: name).errorBound == 0.5) == matches)
    }

    @Test("lossless rules, bound 0, small tensors and integer tensors are stored losslessly")
    func losslessCases() throws {
        let plan = try Self.load("""
        {"$comment": "test", "tensors": [{"match": "*.bias", "lossless": true}, {"match": "exact.*", "error_bound": 0},
                                         {"match": "tiny.forced", "lossless": false}]}
        """, losslessBelow: 256)
        #expect(try plan.settings(for: Self.floatTensor("fc.bias")) == nil)
        #expect(try plan.settings(for: Self.floatTensor("exact.weight")) == nil)
        #expect(try plan.settings(for: Self.floatTensor("tiny.weight", count: 255)) == nil)
        #expect(try plan.settings(for: Self.floatTensor("tiny.forced", count: 10)) != nil)
        let integers = try Tensor(name: "steps", dtype: .int32, shape: [300], bytes: Data(count: 1200))
        #expect(try plan.settings(for: integers) == nil)
        let settings = try #require(try plan.settings(for: Self.floatTensor("fc.weight", dtype: .bfloat16)))
        #expect(settings.bounds.values == [1e-3])
    }

    @Test("rel rules resolve against the tensor's own range")
    func relativeRule() throws {
        let plan = try Self.load(#"{"tensors": [{"match": "*", "mode": "rel", "error_bound": 0.1}]}"#)
        let tensor = try BoundTestSupport.tensor(.float32, shape: [300], values: (0..<300).map { Double($0) / 100 }, name: "w")
        #expect(try plan.settings(for: tensor)?.bounds.values == [0.1 * Double(Float(2.99))]) // the range of the f32 values
    }

    @Test("a malformed plan is invalidConfiguration", arguments: [
        #"{"default": {}, "tensor": []}"#,                              // unknown top-level key
        #"{"default": {"errorbound": 0.1}}"#,                           // unknown rule key
        #"{"tensors": [{"match": "*", "bound": 1}]}"#,                  // unknown key in an override
        #"{"tensors": [{"error_bound": 0.1}]}"#,                        // no match
        #"{"tensors": {"match": "*"}}"#,                                // not a list
        #"{"default": {"mode": "relative"}}"#,                          // bad mode
        #"{"default": {"error_bound": -1}}"#,                           // negative bound
        #"{"default": {"error_bound": "0.1"}}"#,                        // bound as a string
        #"{"default": {"error_bound": true}}"#,                         // bound as a boolean
        #"{"default": {"lossless": 1}}"#,                               // lossless as a number
        #"{"default": {"predictor": "lorenzo9"}}"#,                     // unknown predictor
        #"[1, 2]"#, #"not json"#,
    ])
    func malformed(json: String) throws {
        let error = #expect(throws: SZNNError.self) { try Self.load(json) }
        #expect(error?.code == .invalidConfiguration, "\(json)")
    }

    @Test("error_bound 0 and 1 are numbers, not booleans")
    func zeroAndOneAreNumbers() throws {
        let plan = try Self.load(#"{"tensors": [{"match": "a", "error_bound": 0}, {"match": "b", "error_bound": 1}]}"#)
        #expect(plan.rule(for: "a").errorBound == 0)
        #expect(plan.rule(for: "b").errorBound == 1)
    }

    @Test("a missing plan file is unreadableFile")
    func missingFile() throws {
        let error = #expect(throws: SZNNError.self) {
            try CompressionPlan.load(from: URL(fileURLWithPath: "/nonexistent/plan.json"), defaultRule: Self.commandLine,
                                     losslessBelowElements: 0)
        }
        #expect(error?.code == .unreadableFile)
    }

    @Test("the example plan in Configs/compression loads")
    func examplePlanLoads() throws {
        let url = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Configs/compression/example.json")
        let plan = try CompressionPlan.load(from: url, defaultRule: Self.commandLine, losslessBelowElements: 256)
        #expect(plan.rule(for: "fc1.bias").lossless == true)
        #expect(plan.rule(for: "conv1.weight").mode == .relative)
    }
}
