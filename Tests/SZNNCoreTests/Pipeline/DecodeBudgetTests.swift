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
            #expect(error?.description.contains("above the budget") == true)
        }
    }

    @Test("the need counts the coded payloads and one chunk's working space per thread, not the decoded bytes alone")
    func budgetCountsPayloadAndIndices() throws {
        let values = (0..<4096).map { Float(sin(Double($0))) }
        let tensor = try Tensor(name: "w", shape: [64, 64], float32: values)
        let record = try TensorEncoder.encode(tensor, settings: TensorSettings(bounds: try ErrorBounds(uniform: 1e-3), chunkElements: 1024),
                                              backend: try ZstdBackend())
        let container = Container(metadata: [:], records: [record])
        let need = 4096 * 4 + record.payload.count + 1024 * 8 * ParallelMap.threadCount
        // Before the fix a budget of the decoded size (16 KiB) was accepted, and the decoder then held more.
        let error = #expect(throws: SZNNError.self) { try DecodeBudget(maximumBytes: 4096 * 4).check(container, fileName: "w.sznn") }
        #expect(error?.code == .exceedsMemoryBudget)
        #expect(error?.description.contains("needs \(need) bytes") == true)
        #expect(throws: SZNNError.self) { try DecodeBudget(maximumBytes: need - 1).check(container, fileName: "w.sznn") }
        try DecodeBudget(maximumBytes: need).check(container, fileName: "w.sznn")
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
