import Foundation

extension Data {
    /// The little-endian integer at `offset` bytes from `startIndex`, or nil if it would read past the end.
    ///
    /// Offsets are relative to `startIndex`, so this is safe on slices of a mapped file.
    func littleEndian<Integer: FixedWidthInteger>(_ type: Integer.Type, at offset: Int) -> Integer? {
        let width = MemoryLayout<Integer>.size
        guard offset >= 0, offset <= count - width else { return nil }
        return withUnsafeBytes { raw in
            Integer(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Integer.self))
        }
    }

    /// The bytes in `range` (relative to `startIndex`) as a slice sharing storage, or nil if out of bounds.
    func slice(relative range: Range<Int>) -> Data? {
        guard range.lowerBound >= 0, range.upperBound <= count else { return nil }
        return self[(startIndex + range.lowerBound)..<(startIndex + range.upperBound)]
    }

    /// Appends `value` as little-endian bytes.
    mutating func appendLittleEndian<Integer: FixedWidthInteger>(_ value: Integer) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
