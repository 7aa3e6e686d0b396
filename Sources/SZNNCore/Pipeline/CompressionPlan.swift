import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What to do with each tensor of a model: a default rule plus per-tensor overrides by name or glob.
///
/// Read from a JSON file (documented in `Configs/README.md`):
/// `{"default": {...rule...}, "tensors": [{"match": "conv*.weight", ...rule...}, ...]}` where a
/// rule has any of `mode` ("abs" | "rel"), `error_bound` (number, 0 = lossless), `predictor`,
/// `lossless` (bool). Overrides apply in order; a later match overrides an earlier one field by field.
public struct CompressionPlan: Sendable {
    /// One rule; nil fields inherit.
    public struct Rule: Sendable {
        public var mode: ErrorBoundMode?
        public var errorBound: Double?
        public var predictor: PredictorKind?
        public var lossless: Bool?

        public init(mode: ErrorBoundMode? = nil, errorBound: Double? = nil, predictor: PredictorKind? = nil, lossless: Bool? = nil) {
            self.mode = mode
            self.errorBound = errorBound
            self.predictor = predictor
            self.lossless = lossless
        }

        /// `other`'s fields where set, else these.
        func overridden(by other: Rule) -> Rule {
            Rule(mode: other.mode ?? mode, errorBound: other.errorBound ?? errorBound,
                 predictor: other.predictor ?? predictor, lossless: other.lossless ?? lossless)
        }
    }

    /// The rule for every tensor before overrides.
    public var defaultRule: Rule
    /// Glob pattern (`*`, `?`, `[...]` as in fnmatch) and the rule it applies.
    public var overrides: [(pattern: String, rule: Rule)]
    /// Float tensors with fewer elements than this are stored losslessly unless a rule says otherwise.
    public var losslessBelowElements: Int
    /// Exact absolute bounds by tensor name (what the tuner learned); they take precedence over every rule.
    public var boundsByName: [String: ErrorBounds] = [:]

    public init(defaultRule: Rule, overrides: [(pattern: String, rule: Rule)] = [], losslessBelowElements: Int = 256) {
        self.defaultRule = defaultRule
        self.overrides = overrides
        self.losslessBelowElements = losslessBelowElements
    }

    /// The effective rule for a tensor name.
    public func rule(for name: String) -> Rule {
        overrides.reduce(defaultRule) { current, override in
            fnmatch(override.pattern, name, 0) == 0 ? current.overridden(by: override.rule) : current
        }
    }

    /// The settings for `tensor`, or nil when it is to be stored losslessly.
    public func settings(for tensor: Tensor) throws -> TensorSettings? {
        if let bounds = boundsByName[tensor.name], tensor.dtype.isFloatingPoint {
            return bounds.isLossless ? nil : TensorSettings(bounds: bounds, predictor: rule(for: tensor.name).predictor ?? .zero)
        }
        let rule = rule(for: tensor.name)
        let small = tensor.elementCount < losslessBelowElements && rule.lossless == nil
        guard tensor.dtype.isFloatingPoint, rule.lossless != true, !small else { return nil }
        let bounds = try ErrorBounds.resolve(mode: rule.mode ?? .absolute, value: rule.errorBound ?? 0, for: tensor)
        return bounds.isLossless ? nil : TensorSettings(bounds: bounds, predictor: rule.predictor ?? .zero)
    }

    /// Whether the tuner chooses this tensor's bound: a float tensor that the plan neither stores
    /// losslessly (by a rule, or as smaller than `losslessBelowElements`) nor gives a fixed bound.
    ///
    /// A tuning plan leaves the default rule's `errorBound` unset, so only the rules of a
    /// `--config` file pin bounds; every tensor that is not tuned is coded by `settings(for:)`.
    public func leavesBoundToTuner(_ tensor: Tensor) -> Bool {
        let rule = rule(for: tensor.name)
        let small = tensor.elementCount < losslessBelowElements && rule.lossless == nil
        return tensor.dtype.isFloatingPoint && rule.lossless != true && !small && rule.errorBound == nil
    }

    /// Reads the overrides of a JSON plan file on top of `defaultRule` (the command-line settings).
    public static func load(from url: URL, defaultRule: Rule, losslessBelowElements: Int) throws -> CompressionPlan {
        let name = url.lastPathComponent
        let data = try FileBytes.read(url)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw SZNNError(.invalidConfiguration, "config \(name) is not a JSON object", hint: "see Configs/README.md")
        }
        var plan = CompressionPlan(defaultRule: defaultRule, losslessBelowElements: losslessBelowElements)
        if let rule = object["default"] {
            plan.defaultRule = defaultRule.overridden(by: try parseRule(rule, where: "\(name): default"))
        }
        if let rules = object["tensors"] {
            guard let list = rules as? [[String: Any]] else {
                throw SZNNError(.invalidConfiguration, "\(name): \"tensors\" must be a list of objects")
            }
            for (position, entry) in list.enumerated() {
                guard let pattern = entry["match"] as? String else {
                    throw SZNNError(.invalidConfiguration, "\(name): tensors[\(position)] has no \"match\" string")
                }
                plan.overrides.append((pattern, try parseRule(entry, where: "\(name): tensors[\(position)]")))
            }
        }
        let known: Set<String> = ["default", "tensors", "$comment"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw SZNNError(.invalidConfiguration, "\(name): unknown key \"\(unknown)\"", hint: "see Configs/README.md")
        }
        return plan
    }

    /// The value of a JSON `true`/`false`, or nil for anything else.
    ///
    /// Not `field is Bool`: on Linux every NSNumber holding 0 or 1 casts to Bool, so
    /// `"error_bound": 0` would be refused and `"lossless": 1` accepted. JSONSerialization
    /// gives booleans the ObjC type "c" (char) on every platform, numbers never.
    static func jsonBoolean(_ field: Any) -> Bool? {
        guard let number = field as? NSNumber, String(cString: number.objCType) == "c" else { return nil }
        return number.boolValue
    }

    static func parseRule(_ value: Any, where location: String) throws -> Rule {
        guard let object = value as? [String: Any] else { throw SZNNError(.invalidConfiguration, "\(location) must be an object") }
        var rule = Rule()
        for (key, field) in object {
            switch key {
            case "match", "$comment": continue
            case "mode":
                guard let text = field as? String, let mode = ErrorBoundMode(rawValue: text) else {
                    throw SZNNError(.invalidConfiguration, "\(location): mode must be \"abs\" or \"rel\"")
                }
                rule.mode = mode
            case "error_bound":
                guard let number = field as? NSNumber, jsonBoolean(field) == nil, number.doubleValue.isFinite, number.doubleValue >= 0 else {
                    throw SZNNError(.invalidConfiguration, "\(location): error_bound must be a number >= 0")
                }
                rule.errorBound = number.doubleValue
            case "predictor":
                guard let text = field as? String, let kind = PredictorKind(name: text) else {
                    throw SZNNError(.invalidConfiguration, "\(location): unknown predictor \(field)",
                                    hint: "use one of \(PredictorKind.allCases.map(\.name).joined(separator: ", "))")
                }
                rule.predictor = kind
            case "lossless":
                guard let flag = jsonBoolean(field) else { throw SZNNError(.invalidConfiguration, "\(location): lossless must be true or false") }
                rule.lossless = flag
            default:
                throw SZNNError(.invalidConfiguration, "\(location): unknown key \"\(key)\"", hint: "see Configs/README.md")
            }
        }
        return rule
    }
}
