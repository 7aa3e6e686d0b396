import Foundation

/// The SVG elements the hand-written plots are made of (compare's ratio plot, the federated
/// accuracy-against-bits plot): coordinates with one decimal, text escaped by the caller.
public enum SVGMarkup {
    /// A straight line from (x1, y1) to (x2, y2).
    public static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1) -> String {
        "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(number(width))\"/>"
    }

    /// `content` (already escaped) at (x, y), anchored "start", "middle" or "end".
    public static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, size: Int = 12) -> String {
        "<text x=\"\(number(x))\" y=\"\(number(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\">\(content)</text>"
    }

    /// A coordinate with one decimal.
    public static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// `text` with the three characters XML reserves in content replaced by their entities.
    public static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
