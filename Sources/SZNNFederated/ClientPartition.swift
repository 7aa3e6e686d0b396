import SZNNEngine

/// Deals the indices of a training split to clients, iid or in two-class shards.
public enum ClientPartition {
    /// The sample indices of each of `clients` clients; every index goes to exactly one client.
    ///
    /// Non-iid: the indices sorted by label are cut into 2 × clients equal shards and every
    /// client gets two random shards (McMahan et al. 2017), so most clients see two classes.
    public static func indices(labels: [Int], clients: Int, split: FederatedSettings.Split, seed: UInt64) -> [[Int]] {
        var generator = RandomGenerator(seed: seed ^ 0x4645_4441_5647_5350)
        switch split {
        case .iid:
            var order = Array(labels.indices)
            generator.shuffle(&order)
            return (0..<clients).map { client in stride(from: client, to: order.count, by: clients).map { order[$0] } }
        case .nonIID:
            // Stable order within a label, so the shards depend on the seed only through the dealing.
            let sorted = labels.indices.sorted { (labels[$0], $0) < (labels[$1], $1) }
            let shardCount = 2 * clients
            let shards = (0..<shardCount).map { shard in
                Array(sorted[(shard * sorted.count / shardCount)..<((shard + 1) * sorted.count / shardCount)])
            }
            var dealt = Array(0..<shardCount)
            generator.shuffle(&dealt)
            return (0..<clients).map { shards[dealt[2 * $0]] + shards[dealt[2 * $0 + 1]] }
        }
    }
}
