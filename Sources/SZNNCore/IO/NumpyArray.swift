import Foundation

/// Reads and writes NumPy `.npy` arrays (format versions 1.0, 2.0 and 3.0).
///
/// Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length (2 bytes
/// little-endian in 1.0, 4 bytes in 2.0 and 3.0), a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, then the raw elements.
///
/// Reading accepts the dtypes that have a safetensors equivalent (`f2 f4 f8 i1…i8 u1…u8 b1`).
/// Big-endian arrays are byte-swapped and Fortran-order arrays transposed to C order, so both
/// come back as the little-endian, row-major bytes a `Tensor` holds (those two cases copy; the
/// common case is a slice of the input). Complex, object, string, datetime and structured
/// dtypes are rejected with `.unsupportedDType`. Writing produces version 1.0 (2.0 when the
/// header would not fit), little-endian, C order. NumPy has no bfloat16, so writing a BF16
/// tensor throws `.unsupportedDType` suggesting safetensors rather than silently widening.
public enum NumpyArray {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// Longest header accepted; NumPy itself refuses headers over 10 000 bytes unless told otherwise.
    static let maximumHeaderLength = 1 << 20

    /// Decodes one `.npy` into a tensor called `name`; `fileName` names the file (and member) in errors.
    public static func decode(_ data: Data, name: String, fileName: String) throws -> Tensor {
        guard data.count >= 10, data.prefix(6).elementsEqual(magic) else {
            throw malformed(fileName, "does not start with the .npy magic '\\x93NUMPY'")
        }
        let major = data[data.startIndex + 6]
        let headerStart: Int
        let headerLength: Int
        switch major {
        case 1:
            guard let length = data.littleEndian(UInt16.self, at: 8) else {
                throw malformed(fileName, "is truncated inside the header length")
            }
            headerStart = 10
            headerLength = Int(length)
        case 2, 3:
            guard let length = data.littleEndian(UInt32.self, at: 8) else {
                throw malformed(fileName, "is truncated inside the header length")
            }
            headerStart = 12
            headerLength = Int(length)
        default:
            throw SZNNError(.malformedModelFile, "'\(fileName)': unsupported .npy format version \(major)",
                            hint: "re-save the array with numpy.save (versions 1.0–3.0 are read)")
        }
        guard headerLength <= maximumHeaderLength,
              let headerData = data.slice(relative: headerStart..<(headerStart + headerLength)) else {
            throw malformed(fileName, "header length \(headerLength) runs past the end of the \(data.count)-byte file")
        }
        guard let headerText = String(validating: headerData, as: UTF8.self) else {
            throw malformed(fileName, "header is not valid text")
        }
        let header = try NumpyHeader.parse(headerText, fileName: fileName)
        let (dtype, bigEndian) = try dtypeForDescriptor(header.descriptor, fileName: fileName)

        let (count, overflow) = Tensor.checkedProduct(header.shape)
        let (byteCount, byteOverflow) = count.multipliedReportingOverflow(by: dtype.byteWidth)
        let dataStart = headerStart + headerLength
        guard !overflow, !byteOverflow else {
            throw malformed(fileName, "shape \(header.shape) is too large")
        }
        guard data.count - dataStart == byteCount,
              var bytes = data.slice(relative: dataStart..<(dataStart + byteCount)) else {
            throw malformed(fileName, "has \(data.count - dataStart) data bytes but shape \(header.shape) of '\(header.descriptor)' needs \(byteCount)")
        }
        if bigEndian && dtype.byteWidth > 1 { bytes = byteSwapped(bytes, width: dtype.byteWidth) }
        if header.fortranOrder { bytes = rowMajor(fromColumnMajor: bytes, shape: header.shape, width: dtype.byteWidth) }
        return try Tensor(name: name, dtype: dtype, shape: header.shape, bytes: bytes)
    }

    /// Encodes a tensor as a version 1.0 (or 2.0) `.npy`: little-endian, C order, header padded to 64 bytes.
    public static func encode(_ tensor: Tensor) throws -> Data {
        let descriptor = try descriptorForDType(tensor.dtype, tensorName: tensor.name)
        let shape: String
        switch tensor.shape.count {
        case 0: shape = "()"
        case 1: shape = "(\(tensor.shape[0]),)"
        default: shape = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shape), }"
        let useVersion2 = header.utf8.count + 11 > Int(UInt16.max)
        let prefixLength = useVersion2 ? 12 : 10
        let unpadded = prefixLength + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"

        var output = Data(magic)
        output.append(contentsOf: [useVersion2 ? 2 : 1, 0])
        if useVersion2 {
            output.appendLittleEndian(UInt32(header.utf8.count))
        } else {
            output.appendLittleEndian(UInt16(header.utf8.count))
        }
        output.append(contentsOf: header.utf8)
        output.append(tensor.bytes)
        return output
    }

    /// The NumPy descriptor (`<f4`, `|b1` …) for a dtype; BF16 has none.
    static func descriptorForDType(_ dtype: DType, tensorName: String) throws -> String {
        switch dtype {
        case .float64: "<f8"
        case .float32: "<f4"
        case .float16: "<f2"
        case .int8: "|i1"
        case .int16: "<i2"
        case .int32: "<i4"
        case .int64: "<i8"
        case .uint8: "|u1"
        case .uint16: "<u2"
        case .uint32: "<u4"
        case .uint64: "<u8"
        case .bool: "|b1"
        case .bfloat16:
            throw SZNNError(.unsupportedDType, "tensor '\(tensorName)' is BF16, which NumPy (.npy/.npz) cannot store",
                            hint: "write .safetensors instead, which keeps BF16 exactly")
        }
    }

    /// The dtype for a descriptor and whether its bytes are big-endian.
    static func dtypeForDescriptor(_ descriptor: String, fileName: String) throws -> (DType, Bool) {
        let characters = Array(descriptor)
        let unsupported = SZNNError(.unsupportedDType, "'\(fileName)': dtype '\(descriptor)' has no safetensors equivalent",
                                    hint: "convert the array to float16/32/64, a fixed-width integer or bool first")
        guard characters.count >= 3, "<>|=".contains(characters[0]) else { throw unsupported }
        let kind = characters[1]
        guard let width = Int(String(characters[2...])) else { throw unsupported }
        let dtype: DType? = switch (kind, width) {
        case ("f", 8): .float64
        case ("f", 4): .float32
        case ("f", 2): .float16
        case ("i", 1): .int8
        case ("i", 2): .int16
        case ("i", 4): .int32
        case ("i", 8): .int64
        case ("u", 1): .uint8
        case ("u", 2): .uint16
        case ("u", 4): .uint32
        case ("u", 8): .uint64
        case ("b", 1): .bool
        default: nil
        }
        guard let dtype else { throw unsupported }
        // '=' is native order; sz-nn runs on little-endian hosts only.
        return (dtype, characters[0] == ">")
    }

    /// A copy of `bytes` with every `width`-byte element reversed.
    private static func byteSwapped(_ bytes: Data, width: Int) -> Data {
        var swapped = Data(bytes)
        swapped.withUnsafeMutableBytes { raw in
            var start = 0
            while start + width <= raw.count {
                var low = start, high = start + width - 1
                while low < high { raw.swapAt(low, high); low += 1; high -= 1 }
                start += width
            }
        }
        return swapped
    }

    /// Reorders column-major (Fortran) elements into row-major (C) order.
    private static func rowMajor(fromColumnMajor bytes: Data, shape: [Int], width: Int) -> Data {
        guard shape.filter({ $0 > 1 }).count > 1 else { return bytes }
        // Column-major stride of each axis, in elements.
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        var output = Data(count: bytes.count)
        bytes.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                guard let sourceBase = source.baseAddress, let destinationBase = destination.baseAddress else { return }
                var index = [Int](repeating: 0, count: shape.count)
                var sourceElement = 0
                for destinationElement in 0..<(bytes.count / width) {
                    destinationBase.advanced(by: destinationElement * width)
                        .copyMemory(from: sourceBase.advanced(by: sourceElement * width), byteCount: width)
                    // Advance the row-major odometer (last axis fastest), tracking the column-major offset.
                    var axis = shape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        sourceElement += strides[axis]
                        if index[axis] < shape[axis] { break }
                        sourceElement -= strides[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return output
    }

    private static func malformed(_ fileName: String, _ message: String) -> SZNNError {
        SZNNError(.malformedModelFile, "'\(fileName)' \(message)",
                  hint: "the .npy file is corrupt or not a NumPy array; re-save it with numpy.save")
    }
}

/// The parsed `.npy` header dict: `descr`, `fortran_order` and `shape`, nothing else.
struct NumpyHeader {
    var descriptor: String
    var fortranOrder: Bool
    var shape: [Int]

    /// A Python literal as `.npy` headers use them.
    private indirect enum Literal {
        case string(String), integer(Int), bool(Bool), none
        case sequence([Literal]), dictionary([(String, Literal)])
    }

    /// Parses the header text, rejecting anything but the three keys NumPy writes.
    static func parse(_ text: String, fileName: String) throws -> NumpyHeader {
        var parser = LiteralParser(characters: Array(text.unicodeScalars), fileName: fileName)
        guard case let .dictionary(pairs) = try parser.parseValue(depth: 0) else {
            throw parser.error("header is not a dict")
        }
        parser.skipWhitespace()
        guard parser.atEnd else { throw parser.error("unexpected text after the header dict") }
        guard pairs.count == 3, Set(pairs.map(\.0)) == ["descr", "fortran_order", "shape"] else {
            throw parser.error("header must hold exactly 'descr', 'fortran_order' and 'shape'")
        }
        var header = NumpyHeader(descriptor: "", fortranOrder: false, shape: [])
        for (key, value) in pairs {
            switch (key, value) {
            case let ("descr", .string(descriptor)): header.descriptor = descriptor
            case ("descr", _):
                throw SZNNError(.unsupportedDType, "'\(fileName)': structured dtypes are not supported",
                                hint: "save each field as its own array")
            case let ("fortran_order", .bool(flag)): header.fortranOrder = flag
            case let ("shape", .sequence(items)):
                header.shape = try items.map { item in
                    guard case let .integer(size) = item, size >= 0 else {
                        throw parser.error("shape holds something other than a non-negative integer")
                    }
                    return size
                }
            default: throw parser.error("'\(key)' has the wrong type")
            }
        }
        return header
    }

    /// A recursive-descent parser for the Python literals in a header, with bounded depth.
    private struct LiteralParser {
        let characters: [Unicode.Scalar]
        let fileName: String
        var position = 0

        var atEnd: Bool { position >= characters.count }

        func error(_ what: String) -> SZNNError {
            SZNNError(.malformedModelFile, "'\(fileName)': .npy header is malformed: \(what)",
                      hint: "the .npy file is corrupt; re-save it with numpy.save")
        }

        mutating func skipWhitespace() {
            while !atEnd, characters[position].properties.isWhitespace { position += 1 }
        }

        mutating func parseValue(depth: Int) throws -> Literal {
            guard depth < 8 else { throw error("nested too deeply") }
            skipWhitespace()
            guard !atEnd else { throw error("unexpected end") }
            switch characters[position] {
            case "{": return .dictionary(try parseSequence(close: "}", depth: depth).map { pair in
                guard case let (.string(key), value?) = pair else { throw error("dict key is not a string") }
                return (key, value)
            })
            case "(": return .sequence(try parseSequence(close: ")", depth: depth).map(\.0))
            case "[": return .sequence(try parseSequence(close: "]", depth: depth).map(\.0))
            case "'", "\"": return .string(try parseString())
            default: return try parseWord()
            }
        }

        /// Comma-separated items up to `close` (trailing comma allowed); dict items carry their value.
        private mutating func parseSequence(close: Unicode.Scalar, depth: Int) throws -> [(Literal, Literal?)] {
            position += 1
            var items: [(Literal, Literal?)] = []
            while true {
                skipWhitespace()
                guard !atEnd else { throw error("unterminated '\(close)'") }
                if characters[position] == close { position += 1; return items }
                let item = try parseValue(depth: depth + 1)
                skipWhitespace()
                var value: Literal?
                if close == "}" {
                    guard !atEnd, characters[position] == ":" else { throw error("expected ':'") }
                    position += 1
                    value = try parseValue(depth: depth + 1)
                    skipWhitespace()
                }
                items.append((item, value))
                guard !atEnd else { throw error("unterminated '\(close)'") }
                if characters[position] == "," { position += 1 } else if characters[position] != close {
                    throw error("expected ',' or '\(close)'")
                }
            }
        }

        private mutating func parseString() throws -> String {
            let quote = characters[position]
            position += 1
            var result = String.UnicodeScalarView()
            while !atEnd {
                let character = characters[position]
                position += 1
                if character == quote { return String(result) }
                if character == "\\" {
                    guard !atEnd else { break }
                    result.append(characters[position])
                    position += 1
                } else {
                    result.append(character)
                }
            }
            throw error("unterminated string")
        }

        /// An integer (Python 2 headers may append `L`), `True`, `False` or `None`.
        private mutating func parseWord() throws -> Literal {
            let start = position
            while !atEnd, characters[position].properties.isAlphabetic
                    || ("0"..."9").contains(characters[position]) || characters[position] == "-" {
                position += 1
            }
            var word = String(String.UnicodeScalarView(characters[start..<position]))
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default:
                if word.hasSuffix("L") { word.removeLast() }
                guard let value = Int(word) else { throw error("unexpected '\(word.prefix(20))'") }
                return .integer(value)
            }
        }
    }
}
