import Foundation
import SZNNWorkflow

/// The SVG chart of `sz-nn federated --plot`: per-round test accuracy against the total bits
/// exchanged so far (up + down, log scale), one polyline per method of the run.
///
/// Dashed horizontal lines mark the accuracies of the goals (0.994 and 0.991). Plain SVG 1.1
/// text, no scripts or external fonts, so any viewer renders it.
public struct FederatedPlot {
    public let title: String
    public let results: [FederatedResult]
    /// Accuracies drawn as dashed reference lines, in [0, 1].
    public let goals: [Double]

    let width = 920.0, height = 560.0
    let left = 80.0, right = 170.0, top = 50.0, bottom = 70.0
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]

    public init(title: String, results: [FederatedResult], goals: [Double] = [0.994, 0.991]) {
        self.title = title
        self.results = results
        self.goals = goals
    }

    /// The SVG document.
    public func svg() -> String {
        let points = results.map { result in
            result.rounds.map { (bits: Double($0.ledger.bitsUp + $0.ledger.bitsDown), accuracy: $0.testAccuracy) }
        }
        let bits = points.flatMap { $0.map(\.bits) }.filter { $0 > 0 }
        let lowDecade = floor(log10(bits.min() ?? 1))
        let highDecade = max(ceil(log10(bits.max() ?? 10)), lowDecade + 1)
        let accuracies = points.flatMap { $0.map(\.accuracy) } + goals
        let yMinimum = max(0, floor((accuracies.min() ?? 0) * 50) / 50), yMaximum = 1.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let x = { (value: Double) in left + (log10(value) - lowDecade) / (highDecade - lowDecade) * plotWidth }
        let y = { (accuracy: Double) in top + plotHeight - (accuracy - yMinimum) / (yMaximum - yMinimum) * plotHeight }

        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                     SVGMarkup.text(left + plotWidth / 2, 28, SVGMarkup.escaped(title), anchor: "middle", size: 15)]
        for decade in Int(lowDecade)...Int(highDecade) {
            let position = x(pow(10, Double(decade)))
            parts.append(SVGMarkup.line(position, top, position, top + plotHeight, stroke: "#dddddd"))
            parts.append(SVGMarkup.text(position, top + plotHeight + 18, "1e\(decade)", anchor: "middle"))
        }
        let yStep = (yMaximum - yMinimum) > 0.2 ? 0.1 : 0.01
        var tick = yMinimum
        while tick <= yMaximum + 1e-9 {
            parts.append(SVGMarkup.line(left, y(tick), left + plotWidth, y(tick), stroke: "#eeeeee"))
            parts.append(SVGMarkup.text(left - 6, y(tick) + 4, String(format: yStep < 0.1 ? "%.2f" : "%.1f", tick), anchor: "end"))
            tick += yStep
        }
        for goal in goals where goal >= yMinimum {
            parts.append("<line x1=\"\(left)\" y1=\"\(SVGMarkup.number(y(goal)))\" x2=\"\(left + plotWidth)\" y2=\"\(SVGMarkup.number(y(goal)))\" stroke=\"black\" stroke-dasharray=\"6,4\"/>")
            parts.append(SVGMarkup.text(left + plotWidth - 4, y(goal) - 4, String(format: "%.3f", goal), anchor: "end"))
        }
        parts.append("<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" stroke=\"black\"/>")
        for (index, series) in points.enumerated() {
            let color = FederatedPlot.colors[index % FederatedPlot.colors.count]
            let path = series.filter { $0.bits > 0 }.map { "\(SVGMarkup.number(x($0.bits))),\(SVGMarkup.number(y($0.accuracy)))" }.joined(separator: " ")
            parts.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            let legendY = top + 10 + Double(index) * 20
            parts.append(SVGMarkup.line(left + plotWidth + 12, legendY, left + plotWidth + 36, legendY, stroke: color, width: 3))
            parts.append(SVGMarkup.text(left + plotWidth + 42, legendY + 4, SVGMarkup.escaped(results[index].method.rawValue), anchor: "start"))
        }
        parts.append(SVGMarkup.text(left + plotWidth / 2, height - 22, "total bits exchanged, up + down (log scale)", anchor: "middle", size: 13))
        parts.append("<text x=\"22\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 22 \(top + plotHeight / 2))\">test top-1 accuracy</text>")
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }
}
