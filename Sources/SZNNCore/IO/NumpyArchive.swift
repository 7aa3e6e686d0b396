import Foundation

/// Reads and writes NumPy `.npz` archives: a zip of `<tensor name>.npy` members.
///
/// Reads what `numpy.savez` (stored) and `numpy.savez_compressed` (deflated) write; tensor
/// order is the archive's central-directory order, which is the order NumPy wrote them.
/// Every member must be a `.npy`. `.npz` has no place for string metadata, so
/// `Model.metadata` is empty on read and dropped on write (use safetensors to keep it).
public enum NumpyArchive {
    /// Decodes an `.npz`; stored members' tensor bytes are slices of `data`.
    public static func decode(_ data: Data, fileName: String) throws -> Model {
        var tensors: [Tensor] = []
        var names = Set<String>()
        for member in try ZipArchive.read(data, fileName: fileName) {
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
            members.append(ZipArchive.Member(name: tensor.name + ".npy", bytes: try NumpyArray.encode(tensor)))
        }
        return try ZipArchive.write(members, deflated: deflated)
    }
}
