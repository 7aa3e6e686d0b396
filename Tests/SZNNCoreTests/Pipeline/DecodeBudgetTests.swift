import Foundation
import Testing
import SZNNCore
import SZNNZstd

/// Finding 5 of issue 11: sizes read from a file are checked, and the whole decode is budgeted, before any allocation.
@Suite struct DecodeBudgetTests {
    /// A real file of one small zero tensor whose header then claims `shape` (and `chunkElements`), CRCs re-sealed.
    func editedFile(shape: [Int], chunkElements: Int? = nil) throws -> Data {
        let tensor = try Tensor(name: "zeros", shape: [16], float32: [Float](repeating: 0, count: 16))
        var record = try TensorEncoder.encode(tensor, settings: TensorSettings(bounds: try ErrorBounds(uniform: 1e-3)),
                                              backend: try ZstdBackend())
        record.shape = shape
        if let chunkElements { record.chunkElements = chunkElements }
        return try ContainerEncoder.encode(Container(metadata: [:], records: [record]))
    }

    @Test("a 16 GiB zero tensor in a tiny file fails with E406 before anything is allocated")
    func hugeTensorExceedsBudget() throws {
        let file = try editedFile(shape: [65_536, 65_536])
        let container = try ContainerDecoder.decode(file, fileName: "huge.sznn")
        let backends: [BackendIdentifier: any EntropyBackend] = [.zstd: try ZstdBackend()]
        for budget in [DecodeBudget(maximumBytes: 1 << 20), DecodeBudget.standard(fileByteCount: file.count)] {
            let error = #expect(throws: SZNNError.self) {
                try ModelCodec.decompress(container, backends: backends, budget: budget, fileName: "huge.sznn")
            }
            #expect(error?.code == .exceedsMemoryBudget)
            #expect(error?.description.contains("17179869184 bytes") == true)
        }
    }

    @Test("the default budget is at least 1 GiB and grows with the file")
    func standardBudget() {
        let small = DecodeBudget.standard(fileByteCount: 100).maximumBytes
        #expect(small == min(1 << 30, Int(ProcessInfo.processInfo.physicalMemory / 2)))
        #expect(DecodeBudget.standard(fileByteCount: Int.max).maximumBytes <= Int(ProcessInfo.processInfo.physicalMemory / 2))
    }

    @Test("the streaming budget is the same expansion limit without the memory cap")
    func streamingBudget() {
        #expect(DecodeBudget.streaming(fileByteCount: 100).maximumBytes == 1 << 30)
        #expect(DecodeBudget.streaming(fileByteCount: 1 << 34).maximumBytes == 1 << 44)
        #expect(DecodeBudget.streaming(fileByteCount: Int.max).maximumBytes == Int.max)
        #expect(DecodeBudget.standard(fileByteCount: 1 << 34).maximumBytes <= DecodeBudget.streaming(fileByteCount: 1 << 34).maximumBytes)
    }

    @Test("chunk size 1 on a 2^56-element shape is a clean error, not 2^56 chunk ranges")
    func hugeChunkCountIsRejected() throws {
        let container = try ContainerDecoder.decode(try editedFile(shape: [1 << 28, 1 << 28], chunkElements: 1), fileName: "chunks.sznn")
        let error = #expect(throws: SZNNError.self) {
            try TensorDecoder.decode(container.records[0], backends: [.zstd: try ZstdBackend()])
        }
        #expect(error?.code == .corruptPayload)
        #expect(error?.description.contains("'zeros'") == true)
    }
}
