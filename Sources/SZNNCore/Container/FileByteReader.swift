import Foundation

/// Reads little-endian fields from an open file, forward only: the streaming twin of `ByteReader`.
///
/// `remaining` counts from the file's size when it was opened, so a truncated file fails
/// with the same E303 as in memory, before any read.
struct FileByteReader: ByteInput {
    private let file: FileSource
    private(set) var offset: Int
    var context: String

    init(_ file: FileSource, offset: Int = 0, context: String) {
        self.file = file
        self.offset = offset
        self.context = context
    }

    var remaining: Int { file.byteCount - offset }

    mutating func bytes(_ count: Int, _ field: String) throws -> Data {
        try require(count, field)
        let data = try file.read(at: offset, count: count)
        offset += count
        return data
    }

    mutating func skip(_ count: Int, _ field: String) throws {
        try require(count, field)
        offset += count
    }
}
