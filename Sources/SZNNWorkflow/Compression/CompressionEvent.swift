import Foundation
import SZNNTuner

/// What a long compression run reports while it works; the command line draws it, a library user may ignore it.
public enum CompressionEvent {
    /// A phase starts ("measuring squared gradients (Fisher)").
    case phase(String)
    /// A step of the bound search; `started` is when the search began (for an ETA).
    case tuning(TuningProgress, started: Date)
    /// A batch of compression-aware training; `started` is when that training began.
    case compressionAwareTraining(CompressionAwareProgress, started: Date)
    /// The usual training of a baseline model, before compression-aware training.
    case training(TrainingLoop.Event)
    /// A line worth keeping in a log.
    case log(String)
}
