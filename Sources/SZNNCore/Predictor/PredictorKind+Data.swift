import Foundation

/// The framing of fitted predictor parameters inside a chunk's index stream (FORMAT.md §5.2).
///
/// For a kind that `storesData`, the index stream of each chunk is `data_length` (u32),
/// `data_length` bytes of predictor data, then the backend's index stream. Keeping the data
/// inside the index stream leaves the chunk table and every other predictor's layout unchanged.
extension PredictorKind {
    /// The index stream to write for a chunk whose backend stream is `coded`.
    func wrapIndexStream(_ coded: [UInt8], predictorData: [UInt8]) -> [UInt8] {
        guard storesData else { return coded }
        return withUnsafeBytes(of: UInt32(predictorData.count).littleEndian, Array.init) + predictorData + coded
    }

    /// Splits a chunk's index stream into predictor data and the backend's stream.
    func unwrapIndexStream(_ stream: Data) throws -> (predictorData: [UInt8], coded: Data) {
        guard storesData else { return ([], stream) }
        let bytes = [UInt8](stream)
        guard bytes.count >= 4 else { throw SZNNError(.corruptPayload, "\(name) chunk has no predictor-data length") }
        let length = Int(UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        guard length <= bytes.count - 4 else {
            throw SZNNError(.corruptPayload, "\(name) chunk declares \(length) bytes of predictor data in a \(bytes.count)-byte stream")
        }
        return (Array(bytes[4..<(4 + length)]), Data(bytes[(4 + length)...]))
    }
}
