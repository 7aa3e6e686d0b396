import CZlib
import Foundation

/// An IDX file of unsigned bytes (the MNIST format): dimensions and raw element bytes.
///
/// Layout: two zero bytes, a type byte (0x08 = unsigned byte, the only one MNIST uses), a
/// dimension count, then that many big-endian UInt32 sizes, then the elements.
public struct IDXFile: Sendable {
    public let dimensions: [Int]
    public let bytes: [UInt8]

    /// Reads an IDX file, gzip-compressed or not (zlib's `gzread` passes plain files through).
    ///
    /// Throws `malformedDataset` naming the file for a bad magic number, an unsupported
    /// element type, or a payload whose size does not match the dimensions.
    public static func read(from url: URL) throws -> IDXFile {
        let contents = try decompressedContents(of: url)
        let file = url.lastPathComponent
        guard contents.count >= 4 else {
            throw EngineError(.malformedDataset, "\(file): \(contents.count) bytes is too short for an IDX header")
        }
        guard contents[0] == 0, contents[1] == 0 else {
            throw EngineError(.malformedDataset,
                              "\(file): bad IDX magic (first bytes \(contents[0]), \(contents[1]); expected 0, 0)")
        }
        guard contents[2] == 0x08 else {
            throw EngineError(.malformedDataset,
                              "\(file): IDX element type 0x\(String(contents[2], radix: 16)) is not 0x08 (unsigned byte)")
        }
        let dimensionCount = Int(contents[3])
        let headerSize = 4 + 4 * dimensionCount
        guard dimensionCount > 0, contents.count >= headerSize else {
            throw EngineError(.malformedDataset, "\(file): IDX header declares \(dimensionCount) dimensions but is truncated")
        }
        let dimensions = (0..<dimensionCount).map { index in
            (0..<4).reduce(0) { $0 << 8 | Int(contents[4 + 4 * index + $1]) }
        }
        // Up to 255 factors below 2³² can overflow Int: treat overflow as "too large".
        let (elementCount, overflow) = dimensions.reduce((1, false)) { partial, size in
            let (product, overflow) = partial.0.multipliedReportingOverflow(by: size)
            return (product, partial.1 || overflow)
        }
        guard !overflow, contents.count - headerSize == elementCount else {
            throw EngineError(.malformedDataset,
                              "\(file): dimensions \(dimensions) need \(overflow ? "too many" : String(elementCount)) bytes of data but the file has \(contents.count - headerSize)")
        }
        return IDXFile(dimensions: dimensions, bytes: Array(contents[headerSize...]))
    }

    /// The whole (decompressed) file through zlib, with the failure reason on error.
    private static func decompressedContents(of url: URL) throws -> [UInt8] {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw EngineError(.unreadableFile, "cannot read dataset file \(url.path): missing or not readable")
        }
        guard let handle = gzopen(url.path, "rb") else {
            throw EngineError(.unreadableFile, "cannot open dataset file \(url.path)")
        }
        defer { gzclose(handle) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let read = chunk.withUnsafeMutableBytes { gzread(handle, $0.baseAddress, UInt32($0.count)) }
            if read < 0 {
                var code: Int32 = 0
                let reason = gzerror(handle, &code).map { String(cString: $0) } ?? "unknown zlib error"
                throw EngineError(.malformedDataset, "\(url.lastPathComponent): corrupt gzip data (\(reason))")
            }
            if read == 0 { break }
            contents.append(contentsOf: chunk[0..<Int(read)])
        }
        return contents
    }
}
