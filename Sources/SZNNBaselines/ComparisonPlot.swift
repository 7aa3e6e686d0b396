import Foundation
import SZNNWorkflow

/// The SVG chart of `compare --plot`: ratio (log scale) against validation accuracy loss, per method.
///
/// Each method is one polyline through its rows of a target sweep (a method with no knob is
/// one point); rows that missed their target are drawn hollow. The chosen target is a vertical
/// dashed line. Plain SVG 1.1 text, no scripts or external fonts, so any viewer renders it.
public struct ComparisonPlot {
    public let title: String
    /// Rows of every method at every swept target.
    public let rows: [ComparisonRow]
    /// The target of the main table, in percentage points.
    public let target: Double

    let width = 920.0, height = 560.0
    let left = 80.0, right = 230.0, top = 50.0, bottom = 70.0
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    public init(title: String, rows: [ComparisonRow], target: Double) {
        self.title = title
        self.rows = rows
        self.target = target
    }

    /// The SVG document.
    public func svg() -> String {
        let ratios = rows.map(\.ratio).filter { $0 > 0 && $0.isFinite }
        let lowDecade = floor(log10(max(ratios.min() ?? 1, 1e-3)))
        let highDecade = max(ceil(log10(max(ratios.max() ?? 10, 1e-3))), lowDecade + 1)
        let largestLoss = max(rows.map(\.validationLoss).max() ?? 0, rows.map(\.target).max() ?? 0, target)
        let xStep = ComparisonPlot.niceStep(largestLoss * 1.05 / 6)
        let xMaximum = (largestLoss * 1.05 / xStep).rounded(.up) * xStep
        let xMinimum = min(0, ((rows.map(\.validationLoss).min() ?? 0) / xStep).rounded(.down) * xStep)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let x = { (loss: Double) in left + (loss - xMinimum) / (xMaximum - xMinimum) * plotWidth }
        let y = { (ratio: Double) in top + plotHeight - (log10(ratio) - lowDecade) / (highDecade - lowDecade) * plotHeight }

        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                     SVGMarkup.text(width / 2 - right / 2 + left / 2, 28, SVGMarkup.escaped(title), anchor: "middle", size: 15)]
        // Grid and ticks: decades labelled, 2× and 5× as light lines.
        for decade in Int(lowDecade)..<Int(highDecade) + 1 {
            for multiple in [1.0, 2, 5] where Double(decade) + log10(multiple) <= highDecade + 1e-9 {
                let value = pow(10, Double(decade)) * multiple
                let position = y(value)
                parts.append(SVGMarkup.line(left, position, left + plotWidth, position, stroke: multiple == 1 ? "#cccccc" : "#eeeeee"))
                parts.append(SVGMarkup.text(left - 6, position + 4, ComparisonPlot.label(value) + "×", anchor: "end"))
            }
        }
        var tick = xMinimum
        while tick <= xMaximum + xStep / 1000 {
            parts.append(SVGMarkup.line(x(tick), top, x(tick), top + plotHeight, stroke: "#eeeeee"))
            parts.append(SVGMarkup.text(x(tick), top + plotHeight + 18, ComparisonPlot.label(tick), anchor: "middle"))
            tick += xStep
        }
        parts.append("<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" stroke=\"black\"/>")
        parts.append("<line x1=\"\(SVGMarkup.number(x(target)))\" y1=\"\(top)\" x2=\"\(SVGMarkup.number(x(target)))\" y2=\"\(top + plotHeight)\" stroke=\"black\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>")
        parts.append(SVGMarkup.text(x(target) + 4, top + 14, "target \(ComparisonPlot.label(target)) pp", anchor: "start"))
        parts.append(SVGMarkup.text(left + plotWidth / 2, height - 22, "validation top-1 accuracy loss (percentage points)", anchor: "middle", size: 13))
        parts.append("<text x=\"22\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 22 \(top + plotHeight / 2))\">compression ratio (log scale)</text>")

        let methods = MethodName.allCases.filter { name in rows.contains { $0.method == name } }
        for (position, method) in methods.enumerated() {
            let color = ComparisonPlot.colors[position % ComparisonPlot.colors.count]
            let points = rows.filter { $0.method == method }.sorted { ($0.validationLoss, $0.ratio) < ($1.validationLoss, $1.ratio) }
            if points.count > 1 {
                let path = points.map { String(format: "%.1f,%.1f", x($0.validationLoss), y($0.ratio)) }.joined(separator: " ")
                parts.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"/>")
            }
            for point in points {
                let fill = point.metTarget ? color : "white"
                parts.append("<circle cx=\"\(SVGMarkup.number(x(point.validationLoss)))\" cy=\"\(SVGMarkup.number(y(point.ratio)))\" r=\"4\" fill=\"\(fill)\" stroke=\"\(color)\" stroke-width=\"1.5\"/>")
            }
            let legendY = top + 10 + Double(position) * 22
            let legendX = left + plotWidth + 20
            parts.append(SVGMarkup.line(legendX, legendY, legendX + 24, legendY, stroke: color, width: 1.8))
            parts.append("<circle cx=\"\(SVGMarkup.number(legendX + 12))\" cy=\"\(SVGMarkup.number(legendY))\" r=\"4\" fill=\"\(color)\"/>")
            parts.append(SVGMarkup.text(legendX + 32, legendY + 4, method.rawValue, anchor: "start"))
        }
        let noteY = top + 10 + Double(methods.count) * 22 + 10
        parts.append(SVGMarkup.text(left + plotWidth + 20, noteY, "hollow: missed its target", anchor: "start", size: 11))
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// A tick step of 1, 2 or 5 times a power of ten near `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 0.1 }
        let power = pow(10, floor(log10(rough)))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
    }

    /// A short number: no trailing zeros.
    static func label(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
