import ArgumentParser
import SZNNTuner

/// The options of the bound search (`compress --target-acc-loss`): tuner, confidence, steps, seed, surrogate, slices.
struct TuningArguments: ParsableArguments {
    @Option(name: .long, help: "With --target-acc-loss: gradient (the default: the smaller of the Fisher allocation and one uniform bound, each scaled to the target, then gradient descent on the bounds, retracted to the target by real evaluations) or fisher (the closed-form Fisher allocation alone: about half the evaluations).")
    var tuner: TuningMethod?

    @Option(name: .long, parsing: .unconditional,
            help: "With --target-acc-loss: hold half of validation out of the search and accept bounds only if the drop's one-sided upper bound at this confidence, on those images, meets the target (default 0.95; 0 turns it off: the target then holds on the images searched on).")
    var confidence: Double?

    @Option(name: .long, parsing: .unconditional, help: "With --target-acc-loss: gradient steps on the bounds (default 240).")
    var tuningSteps: Int?

    @Option(name: .long, help: "With --target-acc-loss: the random seed (noise, batches; default 0).")
    var seed: UInt64?

    @Option(name: .long, help: "With --tuner gradient: the error model behind the gradients: uniform (e·U noise) or quantization (the real quantizer's error); default uniform.")
    var surrogate: ErrorBoundTuner.Surrogate?

    @Flag(name: .long, inversion: .prefixedNo,
          help: "With --target-acc-loss: give each input column of a dense layer (output channel of a convolution) its own Fisher-allocated bound (off by default: on the LeNets it does not pay for its bound vector).")
    var sliceBounds: Bool?

    func validate() throws {
        if let tuningSteps, tuningSteps <= 0 { throw ValidationError("--tuning-steps must be > 0") }
        if let confidence, !(confidence >= 0 && confidence < 1) {
            throw ValidationError("--confidence must be in [0, 1) (0 turns the confirmation off); got \(confidence)")
        }
    }

    /// The options the user gave, by their flag's name (they apply only when tuning).
    var given: [(String, Bool)] {
        [("--tuner", tuner != nil), ("--tuning-steps", tuningSteps != nil), ("--seed", seed != nil), ("--surrogate", surrogate != nil),
         ("--confidence", confidence != nil), ("--[no-]slice-bounds", sliceBounds != nil)]
    }

    /// The tuner's options for `target` (percentage points), with the defaults filled in.
    func options(target: Double) -> TuningOptions {
        var options = TuningOptions(targetAccuracyLoss: target)
        if let tuner { options.method = tuner }
        if let tuningSteps { options.steps = tuningSteps }
        if let seed { options.seed = seed }
        if let surrogate { options.surrogate = surrogate }
        let level = confidence ?? 0.95
        options.confidence = level == 0 ? nil : level
        return options
    }
}

extension TuningMethod: ExpressibleByArgument {}
extension ErrorBoundTuner.Surrogate: ExpressibleByArgument {}
