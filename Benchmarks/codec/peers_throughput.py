"""One-core CPU-time throughput of SZ3 NOPRED (pysz) and zstd level 3 (lossless) on the raw
float32 tensor `SZNNBench throughput RUNS PATH` wrote, one markdown row per peer and bound.

Usage (from the repository root, under `taskset -c 0`):
    Benchmarks/peers/.venv/bin/python Benchmarks/codec/peers_throughput.py PATH [RUNS]
"""
import sys
import time

import numpy as np

BOUNDS = [("abs 1e-3", 1e-3), ("abs 3e-2", 3e-2)]


def median_cpu(runs, body):
    """Median process CPU time of `runs` calls of `body`, and its last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.process_time()
        result = body()
        times.append(time.process_time() - start)
    return sorted(times)[len(times) // 2], result


def row(name, label, array, blob_size, encode, decode, output):
    megabytes = array.nbytes / 1e6
    error = float(np.max(np.abs(output.astype(np.float64) - array.astype(np.float64))))
    print(f"| {name} | {label} | {blob_size} | {blob_size * 8 / array.size:.3f} | {error:.3g} "
          f"| {megabytes / encode:.0f} | {megabytes / decode:.0f} |")


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    array = np.fromfile(path, dtype="<f4")
    from pysz import sz, szAlgorithm, szConfig, szErrorBoundMode
    for label, bound in BOUNDS:
        config = szConfig()
        config.errorBoundMode = szErrorBoundMode.ABS
        config.absErrorBound = bound
        config.cmprAlgo = szAlgorithm.NOPRED
        encode, (blob, _) = median_cpu(runs, lambda: sz.compress(array, config))
        decode, (output, _) = median_cpu(runs, lambda: sz.decompress(blob, np.float32, array.shape))
        row("SZ3 NOPRED (pysz)", label, array, len(blob), encode, decode, output)
    import zstandard
    raw = array.tobytes()
    encode, blob = median_cpu(runs, lambda: zstandard.ZstdCompressor(level=3).compress(raw))
    decode, back = median_cpu(runs, lambda: zstandard.ZstdDecompressor().decompress(blob))
    row("zstd -3 (lossless)", "lossless", array, len(blob), encode, decode, np.frombuffer(back, dtype="<f4"))


if __name__ == "__main__":
    main()
