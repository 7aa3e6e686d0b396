import ArgumentParser
import Foundation
import SZNNCore
import SZNNWorkflow

/// `--max-shard-size`: cut a safetensors output into shards with an index, as Hugging Face does.
struct ShardOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "With -o NAME.safetensors: write shards of at most this many tensor bytes (suffixes K, M, G, T: powers of 1024) and NAME.safetensors.index.json.",
        discussion: "Shards are NAME-00001-of-0000N.safetensors beside the index, tensors in file order; a tensor larger than the limit gets a shard of its own.",
        valueName: "bytes"))
    var maxShardSize: ByteCount?
}

/// `decompress` to safetensors, streamed: record headers first (the safetensors header and the
/// decode budget need only them), then a window of records decoded and written at a time.
extension DecompressCommand {
    /// Writes `-o` (or its shards and index) from `inputURL` without holding the model.
    func runStreaming(_ inputURL: URL, started: Date) throws {
        StreamingMemory.returnLargeBlocks()
        let file = try ContainerFile(inputURL)
        let records = file.headers.map(\.fields)
        try (memory.budget ?? DecodeBudget.streaming(fileByteCount: file.byteCount))
            .check(records, payloadByteCount: file.headers.reduce(0) { $0 + $1.payloadLength }, fileName: file.fileName)
        let backends = try Backends.all()
        let outputURL = URL(fileURLWithPath: output)
        if let limit = sharding.maxShardSize?.value {
            try writeShards(file, records: records, limit: limit, backends: backends, output: outputURL)
        } else {
            try AtomicFile.write(to: outputURL) { writer in
                try ModelCodec.decompress(file, records: records.indices, backends: backends, into: &writer)
            }
        }
        let elements = records.reduce(0) { $0 + $1.elementCount }
        print("wrote \(output): \(records.count) tensors, \(elements) elements in \(Format.number(Date().timeIntervalSince(started), digits: 2)) s")
    }

    /// Writes the shards and the index as one set (`AtomicFile.writeSet`): on failure no file of
    /// an earlier set of the same name is replaced or removed, and nothing new is left.
    private func writeShards(_ file: ContainerFile, records: [TensorRecord], limit: Int, backends: [BackendIdentifier: any EntropyBackend],
                             output: URL) throws {
        let shards = ConsecutiveGroups.split(byteCounts: records.map(\.originalByteCount), limit: limit)
        let names = SafetensorsShards.shardNames(for: output, count: shards.count)
        let directory = output.deletingLastPathComponent()
        let weightMap = zip(shards, names).flatMap { shard, name in records[shard].map { ($0.name, name) } }
        let index = SafetensorsShards.index(weightMap: weightMap, totalSize: records.reduce(0) { $0 + $1.originalByteCount })
        let urls = names.map { directory.appendingPathComponent($0) } + [SafetensorsShards.indexURL(for: output)]
        try AtomicFile.writeSet(to: urls) { position, writer in
            if position < shards.count {
                try ModelCodec.decompress(file, records: shards[position], backends: backends, into: &writer)
            } else {
                try writer.append(index)
            }
        }
    }
}
