import Foundation

/// The thin singular value decomposition A = U · diag(σ) · Vᵀ of a real matrix, by one-sided Jacobi.
///
/// Hestenes' method: plane rotations orthogonalise the columns of a working copy of A; at
/// convergence the column norms are the singular values, the normalised columns are U and
/// the accumulated rotations are V. It is slow for big matrices but exact to rounding and
/// simple, which suits the ≤ 500×800 dense layers of the LeNets. Work runs on whichever of A
/// and Aᵀ has fewer columns, in Double.
public struct JacobiSVD: Sendable {
    public let rows: Int
    public let columns: Int
    /// min(rows, columns).
    public let rank: Int
    /// Left singular vectors, rows × rank, row-major.
    public let left: [Double]
    /// Singular values, descending.
    public let singularValues: [Double]
    /// Right singular vectors, columns × rank, row-major.
    public let right: [Double]

    /// Decomposes the row-major `rows × columns` matrix `values`.
    public init(values: [Float], rows: Int, columns: Int, maximumSweeps: Int = 30) {
        self.rows = rows
        self.columns = columns
        rank = min(rows, columns)
        // Orthogonalise the columns of B = A (if it is tall) or Aᵀ (if wide): B is length × rank.
        let transposed = columns > rows
        let length = transposed ? columns : rows
        // Column-major storage of B, so each column is contiguous for the rotations.
        var working = [Double](repeating: 0, count: length * rank)
        for row in 0..<rows {
            for column in 0..<columns {
                let value = Double(values[row * columns + column])
                if transposed { working[row * length + column] = value } else { working[column * length + row] = value }
            }
        }
        var rotations = [Double](repeating: 0, count: rank * rank)
        for index in 0..<rank { rotations[index * rank + index] = 1 }
        JacobiSVD.orthogonalise(&working, &rotations, length: length, count: rank, maximumSweeps: maximumSweeps)

        var norms = (0..<rank).map { column in
            (0..<length).reduce(0.0) { $0 + working[column * length + $1] * working[column * length + $1] }.squareRoot()
        }
        let order = (0..<rank).sorted { norms[$0] > norms[$1] }
        norms = order.map { norms[$0] }
        // B's normalised columns are the singular vectors on B's side, the rotations those on the other.
        var bSide = [Double](repeating: 0, count: length * rank)
        var otherSide = [Double](repeating: 0, count: rank * rank)
        for (position, column) in order.enumerated() {
            let norm = norms[position]
            for index in 0..<length { bSide[index * rank + position] = norm > 0 ? working[column * length + index] / norm : 0 }
            for index in 0..<rank { otherSide[index * rank + position] = rotations[column * rank + index] }
        }
        singularValues = norms
        left = transposed ? otherSide : bSide
        right = transposed ? bSide : otherSide
    }

    /// Rotates pairs of columns until all are orthogonal (to rounding), accumulating the rotations.
    static func orthogonalise(_ working: inout [Double], _ rotations: inout [Double], length: Int, count: Int, maximumSweeps: Int) {
        let tolerance = 1e-12
        working.withUnsafeMutableBufferPointer { matrix in
            rotations.withUnsafeMutableBufferPointer { accumulated in
                guard let matrixBase = matrix.baseAddress, let rotationBase = accumulated.baseAddress else { return }
                for _ in 0..<maximumSweeps {
                    var rotated = false
                    for first in 0..<count {
                        for second in (first + 1)..<count {
                            let p = matrixBase + first * length
                            let q = matrixBase + second * length
                            var alpha = 0.0, beta = 0.0, gamma = 0.0
                            for index in 0..<length {
                                alpha += p[index] * p[index]
                                beta += q[index] * q[index]
                                gamma += p[index] * q[index]
                            }
                            guard abs(gamma) > tolerance * (alpha * beta).squareRoot(), gamma != 0 else { continue }
                            rotated = true
                            let zeta = (beta - alpha) / (2 * gamma)
                            let tangent = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                            let cosine = 1 / (1 + tangent * tangent).squareRoot()
                            let sine = cosine * tangent
                            for index in 0..<length {
                                let (x, y) = (p[index], q[index])
                                p[index] = cosine * x - sine * y
                                q[index] = sine * x + cosine * y
                            }
                            let u = rotationBase + first * count
                            let v = rotationBase + second * count
                            for index in 0..<count {
                                let (x, y) = (u[index], v[index])
                                u[index] = cosine * x - sine * y
                                v[index] = sine * x + cosine * y
                            }
                        }
                    }
                    if !rotated { return }
                }
            }
        }
    }

    /// The rank-`kept` approximation, row-major rows × columns.
    public func reconstruction(rank kept: Int) -> [Float] {
        let kept = max(0, min(kept, rank))
        var result = [Float](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns {
                var sum = 0.0
                for index in 0..<kept { sum += left[row * rank + index] * singularValues[index] * right[column * rank + index] }
                result[row * columns + column] = Float(sum)
            }
        }
        return result
    }
}
