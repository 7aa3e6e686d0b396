import CZlib
import Foundation

/// A minimal zip reader and writer: what `.npz` needs and no more.
///
/// Reading trusts the central directory (sizes, CRC, method, offsets), checks each local header
/// against it, and supports stored (method 0) and deflated (method 8) members. Encrypted members,
/// multi-disk archives and zip64 sizes or offsets (archives or members of 4 GB and more) are
/// rejected with a clear error; the zip64 *extra field* NumPy writes into every local header
/// is harmless and skipped. Every member's CRC-32 is verified, declared sizes must fit inside the
/// file, and a deflated member may not claim more than 1000× its compressed size + 1 MB, so a
/// zip bomb cannot make us allocate more than the file plausibly holds.
enum ZipArchive {
    /// One member: its name and uncompressed bytes (a slice of the input when stored).
    struct Member {
        var name: String
        var bytes: Data
    }

    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let centralHeaderSignature: UInt32 = 0x0201_4B50
    private static let endRecordSignature: UInt32 = 0x0605_4B50
    private static let endRecordLength = 22

    /// Reads every member, in central-directory order.
    static func read(_ data: Data, fileName: String) throws -> [Member] {
        let end = try findEndRecord(data, fileName: fileName)
        guard let diskNumber = data.littleEndian(UInt16.self, at: end + 4),
              let directoryDisk = data.littleEndian(UInt16.self, at: end + 6),
              let entriesOnDisk = data.littleEndian(UInt16.self, at: end + 8),
              let entryCount = data.littleEndian(UInt16.self, at: end + 10),
              let directorySize = data.littleEndian(UInt32.self, at: end + 12),
              let directoryOffset = data.littleEndian(UInt32.self, at: end + 16) else {
            throw malformed(fileName, "end of central directory is truncated")
        }
        guard entryCount != 0xFFFF, directorySize != 0xFFFF_FFFF, directoryOffset != 0xFFFF_FFFF else {
            throw unsupported(fileName, "is a zip64 archive")
        }
        guard diskNumber == 0, directoryDisk == 0, entriesOnDisk == entryCount else {
            throw unsupported(fileName, "spans several disks")
        }
        guard Int(directoryOffset) + Int(directorySize) <= end else {
            throw malformed(fileName, "central directory lies outside the file (truncated?)")
        }

        var members: [Member] = []
        var cursor = Int(directoryOffset)
        for _ in 0..<entryCount {
            guard data.littleEndian(UInt32.self, at: cursor) == centralHeaderSignature,
                  let flags = data.littleEndian(UInt16.self, at: cursor + 8),
                  let method = data.littleEndian(UInt16.self, at: cursor + 10),
                  let crc = data.littleEndian(UInt32.self, at: cursor + 16),
                  let compressedSize = data.littleEndian(UInt32.self, at: cursor + 20),
                  let uncompressedSize = data.littleEndian(UInt32.self, at: cursor + 24),
                  let nameLength = data.littleEndian(UInt16.self, at: cursor + 28),
                  let extraLength = data.littleEndian(UInt16.self, at: cursor + 30),
                  let commentLength = data.littleEndian(UInt16.self, at: cursor + 32),
                  let localOffset = data.littleEndian(UInt32.self, at: cursor + 42),
                  let nameData = data.slice(relative: (cursor + 46)..<(cursor + 46 + Int(nameLength))) else {
                throw malformed(fileName, "central directory entry \(members.count) is truncated or corrupt")
            }
            let name = String(decoding: nameData, as: UTF8.self)
            let memberName = "'\(fileName)' member '\(name)'"
            guard flags & 0x41 == 0 else { throw unsupported(fileName, "member '\(name)' is encrypted") }
            guard compressedSize != 0xFFFF_FFFF, uncompressedSize != 0xFFFF_FFFF, localOffset != 0xFFFF_FFFF else {
                throw unsupported(fileName, "member '\(name)' uses zip64 sizes (4 GB or more)")
            }
            cursor += 46 + Int(nameLength) + Int(extraLength) + Int(commentLength)

            let start = try dataStart(data, localOffset: Int(localOffset), nameData: nameData, memberName: memberName)
            guard let compressed = data.slice(relative: start..<(start + Int(compressedSize))) else {
                throw SZNNError(.malformedModelFile, "\(memberName) runs past the end of the file (truncated?)",
                                hint: "the .npz file is corrupt or truncated; re-save it")
            }
            let bytes = try extract(compressed, method: method, uncompressedSize: Int(uncompressedSize),
                                    memberName: memberName)
            let actual = bytes.withUnsafeBytes { CRC32.checksum($0) }
            guard actual == crc else {
                throw SZNNError(.malformedModelFile,
                                "\(memberName) fails its CRC-32 check (stored \(hex(crc)), computed \(hex(actual)))",
                                hint: "the .npz file is corrupt; re-save it")
            }
            members.append(Member(name: name, bytes: bytes))
        }
        return members
    }

    /// Writes members as a zip archive, stored or deflated (level 6).
    static func write(_ members: [Member], deflated: Bool) throws -> Data {
        guard members.count < 0xFFFF else { throw tooLarge("more than 65534 members") }
        var output = Data()
        var directory = Data()
        for member in members {
            let nameBytes = Data(member.name.utf8)
            let payload = deflated ? try deflate(member.bytes) : member.bytes
            let crc = member.bytes.withUnsafeBytes { CRC32.checksum($0) }
            let offset = output.count
            guard member.bytes.count < 0xFFFF_FFFF, payload.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF,
                  nameBytes.count <= 0xFFFF else {
                throw tooLarge("member '\(member.name)' is 4 GB or more")
            }
            // Bit 11: the name is UTF-8.
            let flags: UInt16 = member.name.utf8.allSatisfy { $0 < 0x80 } ? 0 : 0x0800
            let method: UInt16 = deflated ? 8 : 0
            func common(into record: inout Data) {
                record.appendLittleEndian(UInt16(20)) // version needed: 2.0
                record.appendLittleEndian(flags)
                record.appendLittleEndian(method)
                record.appendLittleEndian(UInt16(0)) // time 00:00:00
                record.appendLittleEndian(UInt16(0x21)) // date 1980-01-01
                record.appendLittleEndian(crc)
                record.appendLittleEndian(UInt32(payload.count))
                record.appendLittleEndian(UInt32(member.bytes.count))
                record.appendLittleEndian(UInt16(nameBytes.count))
                record.appendLittleEndian(UInt16(0)) // extra length
            }
            output.appendLittleEndian(localHeaderSignature)
            common(into: &output)
            output.append(nameBytes)
            output.append(payload)

            directory.appendLittleEndian(centralHeaderSignature)
            directory.appendLittleEndian(UInt16(0x0314)) // made by: Unix, 2.0
            common(into: &directory)
            directory.appendLittleEndian(UInt16(0)) // comment length
            directory.appendLittleEndian(UInt16(0)) // disk number
            directory.appendLittleEndian(UInt16(0)) // internal attributes
            directory.appendLittleEndian(UInt32(0o100644) << 16) // external: regular file, rw-r--r--
            directory.appendLittleEndian(UInt32(offset))
            directory.append(nameBytes)
        }
        let directoryOffset = output.count
        guard directoryOffset < 0xFFFF_FFFF, directory.count < 0xFFFF_FFFF else { throw tooLarge("the archive is 4 GB or more") }
        output.append(directory)
        output.appendLittleEndian(endRecordSignature)
        output.appendLittleEndian(UInt32(0)) // this disk, directory disk
        output.appendLittleEndian(UInt16(members.count))
        output.appendLittleEndian(UInt16(members.count))
        output.appendLittleEndian(UInt32(directory.count))
        output.appendLittleEndian(UInt32(directoryOffset))
        output.appendLittleEndian(UInt16(0)) // comment length
        return output
    }

    /// The offset of the end-of-central-directory record, searched backwards over the comment.
    private static func findEndRecord(_ data: Data, fileName: String) throws -> Int {
        let lowest = max(0, data.count - endRecordLength - 0xFFFF)
        var candidate = data.count - endRecordLength
        while candidate >= lowest {
            if data.littleEndian(UInt32.self, at: candidate) == endRecordSignature,
               let commentLength = data.littleEndian(UInt16.self, at: candidate + 20),
               candidate + endRecordLength + Int(commentLength) == data.count {
                return candidate
            }
            candidate -= 1
        }
        throw malformed(fileName, "has no zip end-of-central-directory record (truncated or not a zip)")
    }

    /// Where a member's data begins: after its local header, whose signature and name must match.
    private static func dataStart(_ data: Data, localOffset: Int, nameData: Data, memberName: String) throws -> Int {
        guard data.littleEndian(UInt32.self, at: localOffset) == localHeaderSignature,
              let nameLength = data.littleEndian(UInt16.self, at: localOffset + 26),
              let extraLength = data.littleEndian(UInt16.self, at: localOffset + 28),
              let localName = data.slice(relative: (localOffset + 30)..<(localOffset + 30 + Int(nameLength))),
              localName == nameData else {
            throw SZNNError(.malformedModelFile, "\(memberName) has a missing or inconsistent local header",
                            hint: "the .npz file is corrupt or truncated; re-save it")
        }
        return localOffset + 30 + Int(nameLength) + Int(extraLength)
    }

    /// The uncompressed bytes of a member; never allocates more than its declared size.
    private static func extract(_ compressed: Data, method: UInt16, uncompressedSize: Int, memberName: String) throws -> Data {
        let corrupt = { (what: String) in
            SZNNError(.malformedModelFile, "\(memberName) \(what)", hint: "the .npz file is corrupt; re-save it")
        }
        switch method {
        case 0:
            guard compressed.count == uncompressedSize else { throw corrupt("is stored but its two sizes differ") }
            return compressed
        case 8:
            guard uncompressedSize <= 1000 * compressed.count + 1_000_000 else {
                throw corrupt("claims \(uncompressedSize) bytes from \(compressed.count) compressed (zip bomb?)")
            }
            guard let inflated = inflate(compressed, uncompressedSize: uncompressedSize) else {
                throw corrupt("does not inflate to its declared \(uncompressedSize) bytes")
            }
            return inflated
        default:
            throw SZNNError(.unsupportedFileType, "\(memberName) uses zip compression method \(method)",
                            hint: "re-save with numpy.savez or numpy.savez_compressed (stored or deflated)")
        }
    }

    /// Raw-inflates exactly `uncompressedSize` bytes; nil if the stream is corrupt or of another length.
    private static func inflate(_ compressed: Data, uncompressedSize: Int) -> Data? {
        var output = Data(count: uncompressedSize)
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        let status: Int32 = compressed.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                var empty: UInt8 = 0
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                return withUnsafeMutablePointer(to: &empty) { spare in
                    // One spare output byte exposes streams that would produce more than declared.
                    stream.next_out = out.bindMemory(to: Bytef.self).baseAddress ?? spare
                    stream.avail_out = uInt(out.count)
                    var result = CZlib.inflate(&stream, Z_FINISH)
                    if result == Z_OK || result == Z_BUF_ERROR, stream.avail_out == 0 {
                        stream.next_out = spare
                        stream.avail_out = 1
                        result = CZlib.inflate(&stream, Z_FINISH)
                        if stream.avail_out == 0 { return Z_DATA_ERROR }
                    }
                    return result
                }
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == uncompressedSize else { return nil }
        return output
    }

    /// Raw-deflates `bytes` (no zlib header), as zip method 8 expects.
    static func deflate(_ bytes: Data) throws -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw SZNNError(.writeFailed, "zlib could not start deflating", hint: "retry; if it persists, write stored")
        }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, uLong(bytes.count))))
        let status: Int32 = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw SZNNError(.writeFailed, "zlib deflate failed with status \(status)", hint: "write stored instead")
        }
        output.count = Int(stream.total_out)
        return output
    }

    private static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }

    private static func malformed(_ fileName: String, _ message: String) -> SZNNError {
        SZNNError(.malformedModelFile, "'\(fileName)' \(message)", hint: "the .npz file is corrupt or truncated; re-save it")
    }

    private static func unsupported(_ fileName: String, _ message: String) -> SZNNError {
        SZNNError(.unsupportedFileType, "'\(fileName)' \(message), which sz-nn's zip reader does not support",
                  hint: "re-save with numpy.savez (under 4 GB), or convert to .safetensors")
    }

    private static func tooLarge(_ what: String) -> SZNNError {
        SZNNError(.writeFailed, "cannot write .npz: \(what) (zip64 is not supported)", hint: "write .safetensors instead")
    }
}
