import Foundation

/// Updates trainable parameters from their gradients; keeps its own per-parameter state.
///
/// Buffers (`isTrainable == false`) are skipped. State is keyed by parameter name, so one
/// optimizer serves one network.
public protocol Optimizer: AnyObject {
    /// The step size; a schedule may change it between steps.
    var learningRate: Float { get set }
    /// Applies one update to every trainable parameter using its current gradient.
    func step(_ parameters: [Parameter])
}

/// Stochastic gradient descent with (PyTorch-style) momentum and L2 weight decay.
///
/// v ← momentum·v + (g + weightDecay·w);  w ← w − learningRate·v.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    /// Taken out of the dictionary during a step so the update mutates in place (no copy).
    private var velocities: [String: [Float]] = [:]

    public init(learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter]) {
        for parameter in parameters where parameter.isTrainable {
            var velocity = velocities.removeValue(forKey: parameter.name) ?? [Float](repeating: 0, count: parameter.count)
            let rate = learningRate, momentum = momentum, decay = weightDecay
            velocity.withUnsafeMutableBufferPointer { v in
                parameter.gradient.withUnsafeBufferPointer { g in
                    parameter.values.withUnsafeMutableBufferPointer { w in
                        for index in w.indices {
                            v[index] = momentum * v[index] + g[index] + decay * w[index]
                            w[index] -= rate * v[index]
                        }
                    }
                }
            }
            velocities[parameter.name] = velocity
        }
    }
}

/// Adam (Kingma & Ba) with bias correction and optional L2 weight decay added to the gradient.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    private var firstMoments: [String: [Float]] = [:]
    private var secondMoments: [String: [Float]] = [:]
    private var stepCount = 0

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter]) {
        stepCount += 1
        let correction1 = 1 - pow(beta1, Float(stepCount))
        let correction2 = 1 - pow(beta2, Float(stepCount))
        let stepSize = learningRate / correction1
        let beta1 = beta1, beta2 = beta2, epsilon = epsilon, decay = weightDecay
        for parameter in parameters where parameter.isTrainable {
            var first = firstMoments.removeValue(forKey: parameter.name) ?? [Float](repeating: 0, count: parameter.count)
            var second = secondMoments.removeValue(forKey: parameter.name) ?? [Float](repeating: 0, count: parameter.count)
            first.withUnsafeMutableBufferPointer { m in
                second.withUnsafeMutableBufferPointer { v in
                    parameter.gradient.withUnsafeBufferPointer { g in
                        parameter.values.withUnsafeMutableBufferPointer { w in
                            for index in w.indices {
                                let gradient = g[index] + decay * w[index]
                                m[index] = beta1 * m[index] + (1 - beta1) * gradient
                                v[index] = beta2 * v[index] + (1 - beta2) * gradient * gradient
                                w[index] -= stepSize * m[index] / ((v[index] / correction2).squareRoot() + epsilon)
                            }
                        }
                    }
                }
            }
            firstMoments[parameter.name] = first
            secondMoments[parameter.name] = second
        }
    }
}
