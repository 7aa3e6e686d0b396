/// Cuts a sequence of items into runs of consecutive items whose bytes stay within a limit:
/// the windows of the streaming codec and the shards of a sharded safetensors output.
public enum ConsecutiveGroups {
    /// Consecutive ranges of `byteCounts`' indices, each as long as its bytes stay within `limit`
    /// (a range holds at least one index, however large), covering every index in order.
    public static func split(byteCounts: [Int], limit: Int) -> [Range<Int>] {
        var groups: [Range<Int>] = []
        var start = 0
        var bytes = 0
        for (position, count) in byteCounts.enumerated() {
            if position > start, bytes + count > limit {
                groups.append(start..<position)
                start = position
                bytes = 0
            }
            bytes += count
        }
        if start < byteCounts.count { groups.append(start..<byteCounts.count) }
        return groups
    }
}
