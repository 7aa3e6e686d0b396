import Foundation

/// DeepSZ's combination step: one option per layer, smallest total size, summed drop within a budget.
///
/// Drops are assumed to add up across layers. They are discretised to `resolution` units of
/// the budget, rounding up (so the chosen sum never exceeds the budget), and negative drops
/// (measurement noise: compressing a layer sometimes helps) count as zero. A multiple-choice
/// knapsack by dynamic programming then finds the exact optimum on that grid.
public enum BudgetAllocation {
    /// One way to code a layer: its size and the accuracy it costs alone, in percentage points.
    public struct Option: Sendable, Equatable {
        public let bytes: Int
        public let drop: Double

        public init(bytes: Int, drop: Double) {
            self.bytes = bytes
            self.drop = drop
        }
    }

    /// The index of the chosen option of each layer, or nil when no combination fits `budget`.
    public static func choose(_ layers: [[Option]], budget: Double, resolution: Int = 200) -> [Int]? {
        guard budget >= 0, resolution > 0, layers.allSatisfy({ !$0.isEmpty }) else { return nil }
        let units = { (drop: Double) -> Int in
            guard drop > 0 else { return 0 }
            guard budget > 0 else { return resolution + 1 }
            return Int((drop / budget * Double(resolution) - 1e-9).rounded(.up))
        }
        let unreachable = Int.max
        // best[b]: smallest size of the layers so far using at most b units; choices[l][b]: layer l's option there.
        var best = [Int](repeating: 0, count: resolution + 1)
        var choices: [[Int]] = []
        for options in layers {
            var next = [Int](repeating: unreachable, count: resolution + 1)
            var choice = [Int](repeating: -1, count: resolution + 1)
            let costs = options.map { units($0.drop) }
            for budgetUnits in 0...resolution {
                for (index, option) in options.enumerated() where costs[index] <= budgetUnits {
                    let previous = best[budgetUnits - costs[index]]
                    guard previous != unreachable else { continue }
                    let total = previous + option.bytes
                    if total < next[budgetUnits] {
                        next[budgetUnits] = total
                        choice[budgetUnits] = index
                    }
                }
            }
            best = next
            choices.append(choice)
        }
        guard best[resolution] != unreachable else { return nil }
        var remaining = resolution
        var picked = [Int](repeating: 0, count: layers.count)
        for layer in layers.indices.reversed() {
            let index = choices[layer][remaining]
            picked[layer] = index
            remaining -= units(layers[layer][index].drop)
        }
        return picked
    }
}
