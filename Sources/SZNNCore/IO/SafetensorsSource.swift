import Foundation

/// A safetensors model read tensor by tensor: one `.safetensors` file, or the shards a
/// `.safetensors.index.json` names (Hugging Face's sharded layout).
///
/// Only the headers are read up front; `tensor(at:)` reads one tensor's bytes when it is
/// needed, so what a reader holds is one tensor, not the model. A single file lists its
/// tensors in data order (as `Safetensors.decode`); an index lists them in its `weight_map`
/// order as written (Hugging Face writes it sorted by name), which `SafetensorsShards` also
/// writes, so shards → `.sznn` → shards keeps the order.
public struct SafetensorsSource: Sendable {
    /// One tensor: its entry in its file's header, which file, and where in it.
    public struct Item: Sendable {
        public let entry: SafetensorsLayout.Entry
        public let file: Int
        public let fileRange: Range<Int>
    }

    /// The files read, in order: the single file, or the shards in order of first mention in `weight_map`.
    public let files: [FileSource]
    public let items: [Item]
    /// The `__metadata__` of the files (for shards, merged; the first shard naming a key wins).
    public let metadata: [String: String]

    /// Opens `url`: a `.safetensors` file, or a `.safetensors.index.json` whose shards sit beside it.
    public init(_ url: URL) throws {
        if SafetensorsSource.isIndex(url) {
            self = try SafetensorsSource.openIndex(url)
        } else {
            let file = try FileSource(url)
            let layout = try SafetensorsLayout(reading: file, fileName: url.lastPathComponent)
            self.init(files: [file], items: layout.entries.map { Item(entry: $0, file: 0, fileRange: layout.fileRange(of: $0)) },
                      metadata: layout.metadata)
        }
    }

    private init(files: [FileSource], items: [Item], metadata: [String: String]) {
        self.files = files
        self.items = items
        self.metadata = metadata
    }

    /// True when `url` names what this reads: a `.safetensors` file or a sharded model's index.
    public static func handles(_ url: URL) -> Bool {
        url.pathExtension.lowercased() == "safetensors" || isIndex(url)
    }

    /// True when `url` names a sharded model's index (`….safetensors.index.json`).
    public static func isIndex(_ url: URL) -> Bool {
        url.lastPathComponent.lowercased().hasSuffix(".safetensors.index.json")
    }

    /// The bytes of every file, in order (the size `.sznn` metadata records as `source_bytes`).
    public var byteCount: Int { files.reduce(0) { $0 + $1.byteCount } }

    /// The CRC-32 of the files' bytes one after another, read in pieces (`source_crc32`).
    public func checksum() throws -> UInt32 {
        try files.reduce(0) { crc, file in try file.checksum(continuing: crc) }
    }

    /// Reads the tensor at `position` from its file.
    public func tensor(at position: Int) throws -> Tensor {
        let item = items[position]
        let bytes = try files[item.file].read(at: item.fileRange.lowerBound, count: item.fileRange.count)
        return try Tensor(name: item.entry.name, dtype: item.entry.dtype, shape: item.entry.shape, bytes: bytes)
    }

    /// Opens the shards of the index at `url`; every tensor the index maps must be in its shard, and every shard tensor in the index.
    private static func openIndex(_ url: URL) throws -> SafetensorsSource {
        let fileName = url.lastPathComponent
        let indexFile = try FileSource(url)
        guard indexFile.byteCount <= SafetensorsLayout.maximumHeaderLength else {
            throw SafetensorsSource.malformed(fileName, "the index has \(indexFile.byteCount) bytes, more than \(SafetensorsLayout.maximumHeaderLength)")
        }
        let json = try JSONHeaderParser.parse([UInt8](try indexFile.read(at: 0, count: indexFile.byteCount)), fileName: fileName)
        guard case let .object(members) = json, let weightMap = members.first(where: { $0.key == "weight_map" })?.value,
              case let .object(mapping) = weightMap else {
            throw SafetensorsSource.malformed(fileName, "no \"weight_map\" object")
        }
        var shardNames: [String] = []
        var shardOf: [String: Int] = [:]
        var order: [(name: String, shard: Int)] = []
        var mapped: [String: Int] = [:]
        for (tensor, value) in mapping {
            // Shards sit beside the index: a path that leaves its folder is refused.
            guard case let .string(shard) = value, !shard.isEmpty, !shard.contains("/"), !shard.contains("\\"), shard != "..", shard != "." else {
                throw SafetensorsSource.malformed(fileName, "tensor '\(tensor)' maps to something that is not a shard file name beside the index")
            }
            let position = shardOf[shard] ?? shardNames.count
            if position == shardNames.count { shardNames.append(shard); shardOf[shard] = position }
            order.append((tensor, position))
            mapped[tensor] = position
        }
        let directory = url.deletingLastPathComponent()
        var files: [FileSource] = []
        var entries: [String: Item] = [:]
        var metadata: [String: String] = [:]
        for (position, shard) in shardNames.enumerated() {
            let file = try FileSource(directory.appendingPathComponent(shard))
            let layout = try SafetensorsLayout(reading: file, fileName: shard)
            for entry in layout.entries {
                guard mapped[entry.name] == position else {
                    throw SafetensorsSource.malformed(fileName, "shard '\(shard)' holds tensor '\(entry.name)', which the index does not map to it")
                }
                entries[entry.name] = Item(entry: entry, file: position, fileRange: layout.fileRange(of: entry))
            }
            metadata.merge(layout.metadata) { first, _ in first }
            files.append(file)
        }
        let items = try order.map { name, shard in
            guard let item = entries[name], item.file == shard else {
                throw SafetensorsSource.malformed(fileName, "tensor '\(name)' is not in its shard '\(shardNames[shard])'")
            }
            return item
        }
        return SafetensorsSource(files: files, items: items, metadata: metadata)
    }

    private static func malformed(_ fileName: String, _ message: String) -> SZNNError {
        SZNNError(.malformedModelFile, "'\(fileName)': \(message)",
                  hint: "a sharded model's index maps every tensor name to the shard file (beside it) that holds it")
    }
}
