import Testing
@testable import SZNNBaselines

@Suite("DeepSZ budget allocation")
struct BudgetAllocationTests {
    typealias Option = BudgetAllocation.Option

    @Test("the dynamic programme picks the known optimum of a hand-made table, where greedy would not")
    func knownOptimum() {
        // Budget 1.0 pp. Greedy by bytes saved per pp would spend the budget on layer 0's
        // option 2 (saves 600 for 0.9); the optimum is layer 0 option 1 + layer 1 option 1
        // (saves 500 + 450 = 950 for 0.4 + 0.5).
        let layers: [[Option]] = [
            [.init(bytes: 1000, drop: 0), .init(bytes: 500, drop: 0.4), .init(bytes: 400, drop: 0.9)],
            [.init(bytes: 800, drop: 0), .init(bytes: 350, drop: 0.5), .init(bytes: 300, drop: 1.2)],
        ]
        #expect(BudgetAllocation.choose(layers, budget: 1.0) == [1, 1])
        #expect(BudgetAllocation.choose(layers, budget: 0.45) == [1, 0])
        #expect(BudgetAllocation.choose(layers, budget: 0) == [0, 0])
    }

    @Test("negative drops count as free, and a table with no zero-drop option can be infeasible")
    func edges() {
        #expect(BudgetAllocation.choose([[.init(bytes: 10, drop: 0), .init(bytes: 5, drop: -0.1)]], budget: 0) == [1])
        #expect(BudgetAllocation.choose([[.init(bytes: 10, drop: 2)]], budget: 1) == nil)
    }
}
