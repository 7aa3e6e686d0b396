import Foundation

/// Softmax followed by cross-entropy against integer labels, averaged over the batch.
public enum SoftmaxCrossEntropy {
    /// The mean loss over the batch and d(mean loss)/d(logits) = (softmax − onehot) / N.
    ///
    /// Labels must lie in `0..<classes` (the network checks them before calling).
    public static func lossAndGradient(logits: FloatTensor, labels: [Int]) -> (loss: Float, gradient: FloatTensor) {
        let batch = logits.batchSize
        let classes = logits.count / max(1, batch)
        var gradient = [Float](repeating: 0, count: logits.count)
        var totalLoss = 0.0
        let inverseBatch = 1 / Float(batch)
        logits.values.withUnsafeBufferPointer { z in
            gradient.withUnsafeMutableBufferPointer { dz in
                for sample in 0..<batch {
                    let row = sample * classes
                    // Subtract the row maximum so exp never overflows.
                    var maximum = -Float.infinity
                    for index in row..<(row + classes) { maximum = max(maximum, z[index]) }
                    var sum: Float = 0
                    for index in row..<(row + classes) {
                        dz[index] = exp(z[index] - maximum)
                        sum += dz[index]
                    }
                    let label = labels[sample]
                    totalLoss += Double(log(sum) - (z[row + label] - maximum))
                    let normalizer = inverseBatch / sum
                    for index in row..<(row + classes) { dz[index] *= normalizer }
                    dz[row + label] -= inverseBatch
                }
            }
        }
        return (Float(totalLoss / Double(max(1, batch))), FloatTensor(computedShape: logits.shape, values: gradient))
    }
}
