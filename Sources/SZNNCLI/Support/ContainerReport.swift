import Foundation
import SZNNCore

/// The per-tensor table of a `.sznn` file, shared by `compress` and `inspect`.
struct ContainerReport {
    struct Row {
        /// The record's fields (its payload may have been dropped: `storedBytes` counts it).
        let record: TensorRecord
        let storedBytes: Int
        var originalBytes: Int { record.originalByteCount }

        init(record: TensorRecord) {
            self.record = record
            storedBytes = record.payload.count
        }

        init(header: RecordHeader) {
            record = header.fields
            storedBytes = header.payloadLength
        }
        var bitsPerWeight: Double { record.elementCount == 0 ? 0 : Double(storedBytes * 8) / Double(record.elementCount) }
        var ratio: Double { storedBytes == 0 ? .infinity : Double(originalBytes) / Double(storedBytes) }
        /// The predictor column: "base" for a delta record (its prediction is the base's element), "-" for a lossless one.
        var predictorText: String {
            switch record.storage {
            case .lossless: "-"
            case .delta: "base"
            case .errorBounded: record.predictor.name
            }
        }
        var boundText: String {
            guard let bounds = record.bounds else { return "lossless" }
            return bounds.axis == nil ? Format.bound(bounds.values[0]) : "≤\(Format.bound(bounds.maximum)) (axis \(bounds.axis ?? 0))"
        }
    }

    let rows: [Row]
    /// Size of the whole file, headers included.
    let fileBytes: Int
    /// The stored graph's format and the bytes its block takes (nil without a graph).
    let graph: (format: String, bytes: Int)?
    /// The base an update file was coded against (nil for a standalone file).
    let base: BaseReference?

    init(_ container: Container, fileBytes: Int) {
        rows = container.records.map(Row.init)
        self.fileBytes = fileBytes
        graph = container.graph.map { ($0.format, ContainerEncoder.graphBlockByteCount($0)) }
        base = container.base
    }

    /// How many tensors are coded against the base.
    var deltaCount: Int { rows.filter { $0.record.storage == .delta }.count }

    /// The table of a file written by streaming, from its record headers (no graph).
    init(_ headers: [RecordHeader], fileBytes: Int) {
        rows = headers.map(Row.init(header:))
        self.fileBytes = fileBytes
        graph = nil
        base = nil
    }

    var originalBytes: Int { rows.reduce(0) { $0 + $1.originalBytes } }
    var elementCount: Int { rows.reduce(0) { $0 + $1.record.elementCount } }
    var ratio: Double { fileBytes == 0 ? 0 : Double(originalBytes) / Double(fileBytes) }

    /// The human table: one row per tensor, then the totals over the whole file.
    func text() -> String {
        var table = TextTable(["tensor", "dtype", "shape", "bound", "predictor", "backend", "bytes", "bits/weight", "ratio"])
        for row in rows {
            let record = row.record
            table.add([record.name, record.dtype.safetensorsName, record.shape.map(String.init).joined(separator: "×"),
                       row.boundText, row.predictorText, record.backend.name,
                       Format.bytes(row.storedBytes), Format.number(row.bitsPerWeight, digits: 3), Format.number(row.ratio) + "×"])
        }
        let bits = elementCount == 0 ? 0 : Double(fileBytes * 8) / Double(elementCount)
        table.add(["total (file)", "", "\(elementCount)", "", "", "", Format.bytes(fileBytes),
                   Format.number(bits, digits: 3), Format.number(ratio) + "×"])
        var lines = [table.render()]
        if let graph {
            lines.append("graph: \(graph.format), \(Format.bytes(graph.bytes)) (decompress -o NAME.\(graph.format) rebuilds the model)")
        }
        if let base {
            lines.append("update: \(deltaCount) of \(rows.count) tensors coded against a base (predictor \"base\"), SHA-256 \(base.hexDigest); decode with --base")
        }
        return lines.joined(separator: "\n")
    }

    /// The per-tensor object of every JSON report (compress, inspect, tuning, verify): one layout everywhere.
    static func json(_ record: TensorRecord) -> [String: Any] {
        json(Row(record: record))
    }

    /// The per-tensor object of one row.
    static func json(_ row: Row) -> [String: Any] {
        let record = row.record
        var entry: [String: Any] = [
            "name": record.name, "dtype": record.dtype.safetensorsName, "shape": record.shape, "elements": record.elementCount,
            "storage": record.storage == .lossless ? "lossless" : "error-bounded",
            "delta": record.storage == .delta,
            "backend": record.backend.name, "bytes": row.storedBytes, "original_bytes": row.originalBytes,
            "bits_per_weight": row.bitsPerWeight, "ratio": Terminal.finite(row.ratio),
        ]
        if let bounds = record.bounds {
            entry["predictor"] = row.predictorText
            entry["error_bounds"] = bounds.values
            entry["error_bound_max"] = bounds.maximum
            if let axis = bounds.axis { entry["error_bound_axis"] = axis }
        }
        return entry
    }

    /// The same as a JSON object.
    func json() -> [String: Any] {
        [
            "tensors": rows.map { ContainerReport.json($0) },
            "file_bytes": fileBytes, "original_bytes": originalBytes, "elements": elementCount, "ratio": ratio,
            "graph_format": graph?.format ?? "", "graph_bytes": graph?.bytes ?? 0,
            "base_sha256": base?.hexDigest ?? "", "delta_tensors": deltaCount,
        ]
    }
}
