/// The EXAMPLES section that ends each command's `--help`: commands a newcomer can paste as they are.
enum HelpExamples {
    /// `discussion` followed by an EXAMPLES section of (what it does, the command) pairs.
    static func discussion(_ discussion: String, examples: [(purpose: String, command: String)]) -> String {
        let lines = examples.map { "  # \($0.purpose)\n  \($0.command)" }
        return discussion + "\n\nEXAMPLES:\n" + lines.joined(separator: "\n\n")
    }
}
