import Foundation

/// Reads and writes NumPy `.npz` archives: a zip of `<tensor name>.npy` members.
///
/// Reads what `numpy.savez` (stored) and `numpy.savez_compressed` (deflated) write; tensor
/// order is the archive's central-directory order, which is the order NumPy wrote them.
/// Every member must be a `.npy`. `.npz` has no place for string metadata, so
/// `Model.metadata` is empty on read and dropped on write (use safetensors to keep it).
/// Member names that a zip extractor could resolve outside its folder (absolute, with `..`
/// components, backslashes or NUL) are rejected on read (E202) and never written (E106).
public enum NumpyArchive {
    /// Decodes an `.npz`; stored members' tensor bytes are slices of `data`.
    public static func decode(_ data: Data, fileName: String) throws -> Model {
        var tensors: [Tensor] = []
        var names = Set<String>()
        for member in try ZipArchive.read(data, fileName: fileName) {
            if let reason = unsafeMemberNameReason(member.name) {
                throw SZNNError(.malformedModelFile, "'\(fileName)' member '\(printable(member.name))' \(reason)",
                                hint: "re-save the archive with plain array names (numpy.savez keyword names)")
            }
            guard member.name.hasSuffix(".npy"), member.name.count > 4 else {
                throw SZNNError(.malformedModelFile, "'\(fileName)' member '\(member.name)' is not a .npy array",
                                hint: "an .npz must hold only <name>.npy members, as numpy.savez writes")
            }
            let name = String(member.name.dropLast(4))
            guard names.insert(name).inserted else {
                throw SZNNError(.duplicateTensor, "'\(fileName)' holds tensor '\(name)' twice",
                                hint: "re-save the archive with unique array names")
            }
            tensors.append(try NumpyArray.decode(member.bytes, name: name, fileName: "\(fileName)/\(member.name)"))
        }
        return Model(tensors: tensors)
    }

    /// Encodes a model as `.npz`, members stored or deflated; BF16 tensors are rejected (NumPy has no BF16).
    public static func encode(_ model: Model, deflated: Bool) throws -> Data {
        var names = Set<String>()
        var members: [ZipArchive.Member] = []
        for tensor in model.tensors {
            guard names.insert(tensor.name).inserted else {
                throw SZNNError(.duplicateTensor, "model has two tensors named '\(tensor.name)'",
                                hint: "tensor names must be unique")
            }
            let memberName = tensor.name + ".npy"
            if let reason = unsafeMemberNameReason(memberName) {
                throw SZNNError(.exceedsFormatLimit,
                                "tensor '\(printable(tensor.name))' cannot be stored in .npz: its member name \(reason)",
                                hint: "write .safetensors instead, whose names are not paths")
            }
            members.append(ZipArchive.Member(name: memberName, bytes: try NumpyArray.encode(tensor)))
        }
        return try ZipArchive.write(members, deflated: deflated)
    }

    /// Why a member name is unsafe as a path (zip-slip), or nil when it is safe.
    ///
    /// Tensor names become member names and back, and tools that extract an `.npz` treat them
    /// as paths, so a name must stay inside the folder it is extracted to on every platform.
    static func unsafeMemberNameReason(_ name: String) -> String? {
        if name.utf8.contains(0) { return "contains a NUL byte" }
        if name.contains("\\") { return "contains a backslash" }
        if name.hasPrefix("/") { return "is an absolute path" }
        if name.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "has a '..' path component"
        }
        return nil
    }

    /// A name fit for a one-line message: control characters (NUL, newlines) escaped.
    private static func printable(_ name: String) -> String {
        name.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
    }
}
