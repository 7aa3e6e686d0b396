import Foundation
import SZNNEngine
@testable import SZNNTuner
import Testing

@Suite("paired drop and its confidence bound")
struct PairedDropTests {
    @Test("Clopper–Pearson upper limits match the beta quantiles (scipy.stats.beta.ppf)")
    func clopperPearson() {
        // beta.ppf(0.95, k + 1, n − k): 0.7775588989918706 (5 of 10), 0.2588655508930522 (0 of 10), 0.8066915788794069 (20 of 30).
        #expect(abs(PairedDrop.clopperPearsonUpper(successes: 5, trials: 10, confidence: 0.95) - 0.7775588989918706) < 1e-9)
        #expect(abs(PairedDrop.clopperPearsonUpper(successes: 0, trials: 10, confidence: 0.95) - 0.2588655508930522) < 1e-9)
        #expect(abs(PairedDrop.clopperPearsonUpper(successes: 20, trials: 30, confidence: 0.95) - 0.8066915788794069) < 1e-9)
        #expect(PairedDrop.clopperPearsonUpper(successes: 7, trials: 7, confidence: 0.95) == 1)
    }

    @Test("flips are counted per image, and the bound lies above the measured drop and grows with the confidence")
    func counting() {
        let original = [true, true, true, false, false, true, true, true]
        let compressed = [true, false, false, true, false, true, false, true]
        let drop = PairedDrop(original: original, compressed: compressed)
        #expect(drop == PairedDrop(images: 8, lost: 3, gained: 1))
        #expect(abs(drop.observed - 25) < 1e-12)
        let (low, high) = (drop.upperBound(confidence: 0.8), drop.upperBound(confidence: 0.99))
        #expect(drop.observed < low && low < high && high <= 50)
        #expect(PairedDrop(images: 100, lost: 0, gained: 0).upperBound(confidence: 0.95) == 0)
    }

    @Test("the 95 % bound covers the true drop in at least 95 % of seeded simulated confirmations")
    func coverage() {
        // 2,500 images, 0.8 % of them lost and 0.4 % gained: a true drop of 0.4 pp.
        var generator = RandomGenerator(seed: 42)
        let (images, lostRate, gainedRate) = (2500, 0.008, 0.004)
        var covered = 0
        let trials = 400
        for _ in 0..<trials {
            var lost = 0, gained = 0
            for _ in 0..<images {
                let u = Double(generator.nextFloat(in: 0, 1))
                if u < lostRate { lost += 1 } else if u < lostRate + gainedRate { gained += 1 }
            }
            if PairedDrop(images: images, lost: lost, gained: gained).upperBound(confidence: 0.95) >= (lostRate - gainedRate) * 100 { covered += 1 }
        }
        #expect(Double(covered) / Double(trials) >= 0.95)
    }

    @Test("the confirmation split is seeded, disjoint and complete")
    func split() throws {
        let dataset = try Dataset(name: "validation", sampleShape: [1], images: (0..<10).map(Float.init), labels: Array(0..<10))
        let (search, held) = try Confirmation.split(dataset, fraction: 0.5, seed: 3)
        #expect(search.count == 5 && held.count == 5)
        #expect(Set(search.labels + held.labels) == Set(0..<10))
        #expect(search.images == search.labels.map(Float.init))
        let again = try Confirmation.split(dataset, fraction: 0.5, seed: 3)
        #expect(again.held.labels == held.labels)
        #expect(throws: (any Error).self) { try Confirmation.split(try Dataset(name: "v", sampleShape: [1], images: [0], labels: [0]), fraction: 0.5, seed: 0) }
    }

    @Test("the ladder of factors climbs from 1/8 to exactly 1")
    func ladder() {
        #expect(Confirmation.ladder.count == 25)
        #expect(abs(Confirmation.ladder[0] - 0.125) < 1e-12 && Confirmation.ladder.last == 1)
        #expect(zip(Confirmation.ladder, Confirmation.ladder.dropFirst()).allSatisfy { $0 < $1 })
    }
}
