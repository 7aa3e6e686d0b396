import Foundation
import Testing
@testable import SZNNCore

/// `.npz` member names are paths to the tools that extract them: path-like names never pass
/// into tensor names on read, nor into member names on write (zip-slip).
@Suite("npz member names")
struct NumpyMemberNameTests {
    /// Member names that would resolve outside the extraction folder, or that a platform splits oddly.
    static let unsafeMemberNames = ["../../x.npy", "/etc/x.npy", "a/../../b.npy", "..", "a\\b.npy", "..\\x.npy", "a\u{0}b.npy"]

    /// An archive of one member named `name`, holding a valid two-element `.npy`.
    static func archive(memberName name: String) throws -> Data {
        let array = try NumpyArray.encode(try Tensor(name: "t", shape: [2], float32: [1, 2]))
        return try ZipArchive.write([ZipArchive.Member(name: name, bytes: array)], deflated: false)
    }

    @Test("a path-like member name is E202 naming the member", arguments: unsafeMemberNames)
    func unsafeMemberIsRejected(name: String) throws {
        let data = try Self.archive(memberName: name)
        let error = #expect(throws: SZNNError.self) { try NumpyArchive.decode(data, fileName: "evil.npz") }
        #expect(error?.code == .malformedModelFile, "\(String(describing: error))")
        #expect(error?.message.contains("evil.npz") == true)
        let printable = name.replacingOccurrences(of: "\u{0}", with: "\\0")
        #expect(error?.message.contains("member '\(printable)'") == true, "\(String(describing: error))")
    }

    @Test("nested and dotted names that stay inside the folder are still read")
    func safeNamesAreRead() throws {
        for name in ["layers/fc1.weight.npy", "..hidden.npy", "a/..b/c.npy", "a./b.npy"] {
            let model = try NumpyArchive.decode(try Self.archive(memberName: name), fileName: "ok.npz")
            #expect(model.tensors.map(\.name) == [String(name.dropLast(4))])
        }
    }

    @Test("a tensor whose member name would be path-like is not written (E106)",
          arguments: ["../../x", "/etc/x", "a/../../b", "a\\b", "a\u{0}b"])
    func unsafeTensorNameIsNotWritten(name: String) throws {
        let model = Model(tensors: [try Tensor(name: name, shape: [2], float32: [1, 2])])
        for deflated in [false, true] {
            let error = #expect(throws: SZNNError.self) { try NumpyArchive.encode(model, deflated: deflated) }
            #expect(error?.code == .exceedsFormatLimit, "\(String(describing: error))")
            #expect(error?.message.contains("cannot be stored in .npz") == true)
        }
    }
}
