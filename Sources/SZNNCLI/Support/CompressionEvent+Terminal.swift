import Foundation
import SZNNWorkflow

extension CompressionEvent {
    /// Draws a compression run's event: a progress line (with an ETA for the search and training), or a log line.
    static func draw(_ event: CompressionEvent) {
        switch event {
        case .phase(let text):
            Terminal.progress(text)
        case let .tuning(state, started):
            let drop = state.lastDrop.map { String(format: "%.2f pp", $0) } ?? "-"
            Terminal.progress("tuning [\(state.phase)] step \(state.step)/\(state.totalSteps)  est. \(Format.bytes(Int(state.estimatedBits / 8)))  last drop \(drop)  "
                              + Format.eta(started: started, done: state.step, total: state.totalSteps))
        case let .compressionAwareTraining(state, started):
            let drop = state.lastDrop.map { String(format: "%.2f pp", $0) } ?? "-"
            Terminal.progress(String(format: "training weights and bounds: epoch %d/%d  batch %d/%d  loss %.4f  est. ",
                                     state.epoch, state.epochs, state.batch, state.batches, state.loss)
                              + "\(Format.bytes(Int(state.estimatedBits / 8)))  last drop \(drop)  "
                              + Format.eta(started: started, done: (state.epoch - 1) * state.batches + state.batch,
                                           total: state.epochs * state.batches))
        case .training(let event):
            TrainingLoop.terminalEvents(event)
        case .log(let text):
            Terminal.endProgress()
            Terminal.log(text)
        }
    }
}
