import Foundation
import SZNNWorkflow

extension TrainingLoop {
    /// Draws a training run's events: a progress line with an ETA, and one log line per epoch.
    static func terminalEvents(_ event: Event) {
        switch event {
        case let .batch(epoch, epochs, batch, batches, meanLoss, imagesPerSecond, secondsRemaining):
            Terminal.progress(String(format: "epoch %d/%d  batch %d/%d  loss %.4f  %.0f img/s  ETA ",
                                     epoch, epochs, batch, batches, meanLoss, imagesPerSecond) + Format.clock(secondsRemaining))
        case let .epoch(epoch, epochs, meanLoss, validationAccuracy, learningRate, seconds):
            Terminal.endProgress()
            Terminal.log(String(format: "epoch %d/%d: loss %.4f, validation top-1 %.2f %%, lr %g, %.1f s",
                                epoch, epochs, meanLoss, validationAccuracy * 100, learningRate, seconds))
        }
    }
}
