import Foundation
import SZNNCore

/// The byte container of one baseline's compressed model: a named payload per tensor.
///
/// Layout: magic `SZNB`, the tensor count (UInt32), then per tensor its name (UInt16 length +
/// UTF-8), rank (UInt8), dimensions (UInt32 each) and payload (UInt32 length + bytes). Its
/// size is what a baseline's ratio is computed from, so names and shapes are paid for, as in
/// a `.sznn` file.
struct BaselineArchive {
    /// One tensor's entry.
    struct Entry {
        let name: String
        let shape: [Int]
        let payload: [UInt8]
    }

    static let magic: [UInt8] = Array("SZNB".utf8)

    var entries: [Entry] = []

    /// The archive's bytes.
    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.append(contentsOf: BaselineArchive.magic)
        writer.append(UInt32(entries.count))
        for entry in entries {
            let name = Array(entry.name.utf8)
            writer.append(UInt16(name.count))
            writer.append(contentsOf: name)
            writer.append(UInt8(entry.shape.count))
            for dimension in entry.shape { writer.append(UInt32(dimension)) }
            writer.appendBlock(entry.payload)
        }
        return writer.bytes
    }

    /// Parses bytes written by `encoded()`.
    static func decode(_ bytes: [UInt8]) throws -> BaselineArchive {
        var reader = ByteReader(bytes, context: "baseline archive")
        guard Array(try reader.take(4)) == magic else { throw SZNNError(.corruptPayload, "baseline archive has no SZNB magic") }
        var archive = BaselineArchive()
        for _ in 0..<Int(try reader.integer(UInt32.self)) {
            let nameLength = Int(try reader.integer(UInt16.self))
            let name = String(decoding: try reader.take(nameLength), as: UTF8.self)
            let rank = Int(try reader.integer(UInt8.self))
            let shape = try (0..<rank).map { _ in Int(try reader.integer(UInt32.self)) }
            archive.entries.append(Entry(name: name, shape: shape, payload: try reader.block()))
        }
        guard reader.isAtEnd else { throw SZNNError(.corruptPayload, "baseline archive has trailing bytes") }
        return archive
    }
}
