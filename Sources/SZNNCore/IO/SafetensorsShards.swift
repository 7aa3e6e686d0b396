import Foundation

/// Names and index of a sharded safetensors model, as Hugging Face lays it out.
///
/// `model.safetensors` cut into three shards is `model-00001-of-00003.safetensors` … `model-00003-of-00003.safetensors`
/// beside `model.safetensors.index.json`, which maps every tensor to its shard:
/// `{"metadata":{"total_size":N},"weight_map":{"tensor":"model-00001-of-00003.safetensors",…}}`, tensors in
/// file order (N: the tensors' bytes). `SafetensorsSource` reads it back in that order.
public enum SafetensorsShards {
    /// The shard names for `output` (`…/NAME.safetensors`): `NAME-0000i-of-0000n.safetensors`, i = 1 … `count`.
    public static func shardNames(for output: URL, count: Int) -> [String] {
        let stem = output.deletingPathExtension().lastPathComponent
        return (1...max(count, 1)).map { stem + String(format: "-%05d-of-%05d.safetensors", $0, count) }
    }

    /// The index beside the shards of `output`: `NAME.safetensors.index.json`.
    public static func indexURL(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(output.lastPathComponent + ".index.json")
    }

    /// The index JSON: `weightMap` in order, and `totalSize`, the tensors' bytes.
    public static func index(weightMap: [(tensor: String, shard: String)], totalSize: Int) -> Data {
        let members = weightMap.map { JSONWriter.quoted($0.tensor) + ":" + JSONWriter.quoted($0.shard) }
        return Data(("{\"metadata\":{\"total_size\":\(totalSize)},\"weight_map\":{" + members.joined(separator: ",") + "}}\n").utf8)
    }
}
