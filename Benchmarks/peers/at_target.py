#!/usr/bin/env python3
"""Searches each external peer's one global setting to its best ratio under an accuracy target.

Usage (from the repository root, after Benchmarks/peers/setup.sh [--nncodec] and a release build):
    Benchmarks/peers/.venv/bin/python Benchmarks/peers/at_target.py MODEL [--target 0.5] [--sz-nn PATH]
        [--peers sz3-abs,...] [--output FILE]
MODEL is a demo model (lenet5, lenet-300-100, vgg-mnist): Configs/models/MODEL.json with the
weights Data/models/MODEL.safetensors; or an .onnx file (its float initializers are the
weights, the graph is the architecture) with `--data FILE.npz`, as `sz-nn eval --data` reads it.
Writes Benchmarks/peers/at-target/MODEL.json, rows in the
schema of `sz-nn compare --json`, which Benchmarks/side_by_side.py puts beside sz-nn's.

What `sz-nn compare` calls weight tensors (rank >= 2: kernels and matrices) go through the
peer; every other tensor (biases, BatchNorm) is counted as raw float32 and kept exact. The
peer's setting (an absolute bound for SZ3 ABS, ZFP and NNCodec, a fraction of each tensor's
value range for SZ3 REL) is the same for every weight tensor. It is scanned by factors of two
from a start near the weights' RMS, then bisected on a log scale between the last setting
that met the target and the first that missed; the smallest measured size that met it wins.
Every accuracy comes from `sz-nn eval` on a .safetensors file of the peer's reconstruction:
validation during the search, test once for the winner. NNCodec codes all weight tensors in
one bitstream (its own framing); SZ3 and ZFP code one blob per tensor, each with its header.
Names and shapes are not counted for the peers (sz-nn's rows count its whole container).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_peers  # noqa: E402  (NNCodec's stand-in modules and step rule)
from safetensors_file import read_model, write_model  # noqa: E402

BISECTIONS = 6
SCAN_LIMIT = 14


def as_matrix(array):
    """Kernels as (output channels, everything else): the 2-D layout every peer accepts."""
    return np.ascontiguousarray(array.reshape(array.shape[0], -1))


def sz3_peer(relative, algorithm):
    from pysz import sz, szAlgorithm, szConfig, szErrorBoundMode

    def compress(weights, setting):
        total, restored, worst = 0, {}, 0.0
        for name, array in weights.items():
            config = szConfig()
            if relative:
                config.errorBoundMode, config.relErrorBound = szErrorBoundMode.REL, setting
                bound = setting * float(array.max() - array.min())
            else:
                config.errorBoundMode, config.absErrorBound = szErrorBoundMode.ABS, setting
                bound = setting
            if algorithm == "nopred":
                config.cmprAlgo = szAlgorithm.NOPRED
            matrix = as_matrix(array)
            blob, _ = sz.compress(matrix, config)
            output, _ = sz.decompress(blob, np.float32, matrix.shape)
            total += len(blob)
            restored[name] = output.reshape(array.shape)
            worst = max(worst, max_error(array, restored[name]) / max(bound, 1e-30))
        return total, restored, worst
    return compress


def zfp_peer(weights, setting):
    import zfpy
    total, restored, worst = 0, {}, 0.0
    for name, array in weights.items():
        blob = zfpy.compress_numpy(as_matrix(array), tolerance=setting)
        restored[name] = zfpy.decompress_numpy(blob).reshape(array.shape)
        total += len(blob)
        worst = max(worst, max_error(array, restored[name]) / setting)
    return total, restored, worst


def nncodec_peer(error_bounded):
    def compress(weights, setting):
        from nncodec import nnc
        qp = run_peers.nncodec_qp(setting)
        tensors = {name: as_matrix(array) for name, array in weights.items()}
        options = dict(bitstream_path=None, qp=qp, qp_density=6, qp_per_tensor={name: qp for name in tensors},
                       return_bitstream=True, verbose=False)
        if error_bounded:
            options.update(use_dq=False, lambda_scale=0.0, param_opt=True)
        blob = nnc.compress(tensors, **options)
        decoded = nnc.decompress(bytearray(blob))
        restored = {name: np.asarray(decoded[name], dtype=np.float32).reshape(array.shape) for name, array in weights.items()}
        worst = max(max_error(array, restored[name]) / setting for name, array in weights.items())
        return len(blob), restored, worst
    return compress


def max_error(original, restored):
    return float(np.max(np.abs(restored.astype(np.float64) - original.astype(np.float64))))


class Evaluator:
    """Writes reconstructions as .safetensors and measures them with `sz-nn eval`."""

    def __init__(self, executable, architecture, tensors, metadata, folder):
        """`architecture` is the `sz-nn eval` arguments naming the model (and data)."""
        self.executable, self.architecture = executable, architecture
        self.tensors, self.metadata, self.folder = tensors, metadata, folder
        self.evaluations = 0

    def accuracy(self, restored, split):
        path = os.path.join(self.folder, "restored.safetensors")
        write_model(path, [(name, restored.get(name, array)) for name, array in self.tensors], self.metadata)
        if split == "validation":
            self.evaluations += 1
        report = subprocess.run([self.executable, "eval"] + self.architecture + ["--weights", path,
                                 "--split", split, "--json"], check=True, capture_output=True, text=True)
        return json.loads(report.stdout)[f"{split}_top1"]


def search(name, compress, start, weights, evaluator, baseline, target, exact_bytes):
    """The smallest measured configuration whose validation drop is within target (else the best miss)."""
    began, first = time.time(), evaluator.evaluations
    # Keyed by what the peer produced: settings that give the same output (NNCodec's qp grid
    # is coarser than the bisection near its end) are evaluated once.
    measured = {}

    def measure(setting):
        bytes_, restored, worst = compress(weights, setting)
        key = (bytes_, round(worst, 9))
        if key not in measured:
            drop = 100 * (baseline - evaluator.accuracy(restored, "validation"))
            measured[key] = (setting, bytes_ + exact_bytes, drop, worst, restored)
            print(f"  {name}: setting {setting:.4g}  {bytes_ + exact_bytes} bytes  drop {drop:.2f} pp", file=sys.stderr)
        return measured[key][2] <= target + 1e-9

    low = high = None
    setting = start
    for _ in range(SCAN_LIMIT):
        if measure(setting):
            low = setting
            if high is not None:
                break
            setting *= 2
        else:
            high = setting
            if low is not None:
                break
            setting /= 2
    if low is not None and high is not None:
        for _ in range(BISECTIONS):
            middle = math.sqrt(low * high)
            if measure(middle):
                low = middle
            else:
                high = middle
    feasible = [entry for entry in measured.values() if entry[2] <= target + 1e-9]
    setting, total, drop, worst, restored = min(feasible, key=lambda entry: entry[1]) if feasible \
        else min(measured.values(), key=lambda entry: entry[2])
    test = evaluator.accuracy(restored, "test")
    return {"setting": f"{setting:.4g}", "bytes": total, "validation_loss_pp": drop, "met_target": drop <= target + 1e-9,
            "validation": baseline - drop / 100, "test": test, "max_error_over_bound": worst,
            "evaluations": evaluator.evaluations - first, "seconds": time.time() - began}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a demo model (lenet5, lenet-300-100, vgg-mnist) or an .onnx file")
    parser.add_argument("--data", help="with an .onnx model: the labelled .npz (x_val/y_val, x_test/y_test)")
    parser.add_argument("--target", type=float, default=0.5, help="largest validation top-1 drop, percentage points")
    parser.add_argument("--sz-nn", default=".build/release/sz-nn", help="the sz-nn executable")
    parser.add_argument("--peers", default="sz3-abs,sz3-rel,sz3-default,nncodec-eb,nncodec-default,zfp",
                        help="comma-separated peers to run")
    parser.add_argument("--output", help="the JSON report (default: Benchmarks/peers/at-target/MODEL.json)")
    arguments = parser.parse_args()

    if arguments.model.endswith(".onnx"):
        import onnx
        from onnx import numpy_helper
        graph = onnx.load(arguments.model).graph
        tensors = [(t.name, numpy_helper.to_array(t).astype(np.float32)) for t in graph.initializer]
        metadata = {}
        architecture = ["--model", arguments.model] + (["--data", arguments.data] if arguments.data else [])
        arguments.model = os.path.splitext(os.path.basename(arguments.model))[0]
    else:
        architecture = ["--model", f"Configs/models/{arguments.model}.json"]
        tensors, metadata = read_model(f"Data/models/{arguments.model}.safetensors")
    weights = {name: array for name, array in tensors if array.ndim >= 2}
    exact_bytes = sum(4 * array.size for name, array in tensors if name not in weights)
    original_bytes = sum(4 * array.size for _, array in tensors)
    weight_count = sum(array.size for array in weights.values())
    rms = math.sqrt(sum(float(np.sum(array.astype(np.float64) ** 2)) for array in weights.values()) / weight_count)

    # (row name, compress function, start setting); the REL start is a typical LeNet fraction.
    catalogue = {
        "sz3-abs": ("sz3-nopred-abs", lambda: sz3_peer(False, "nopred"), rms),
        "sz3-rel": ("sz3-nopred-rel", lambda: sz3_peer(True, "nopred"), 0.05),
        "sz3-default": ("sz3-default-abs", lambda: sz3_peer(False, "default"), rms),
        "nncodec-eb": ("nncodec-eb", lambda: nncodec_peer(True), rms),
        "nncodec-default": ("nncodec-default", lambda: nncodec_peer(False), rms),
        "zfp": ("zfp-accuracy", lambda: zfp_peer, rms),
    }
    chosen = [peer.strip() for peer in arguments.peers.split(",") if peer.strip()]
    unknown = [peer for peer in chosen if peer not in catalogue]
    if unknown:
        parser.error(f"unknown peers {unknown}; valid: {', '.join(catalogue)}")
    if any(peer.startswith("nncodec") for peer in chosen) and not run_peers.nncodec_available():
        print("NNCodec is not installed (Benchmarks/peers/setup.sh --nncodec): its rows are skipped", file=sys.stderr)
        chosen = [peer for peer in chosen if not peer.startswith("nncodec")]

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        evaluator = Evaluator(arguments.sz_nn, architecture, tensors, metadata, folder)
        baseline = evaluator.accuracy({}, "validation")
        baseline_test = evaluator.accuracy({}, "test")
        for peer in chosen:
            name, make, start = catalogue[peer]
            print(f"{name}:", file=sys.stderr)
            row = search(name, make(), start, weights, evaluator, baseline, arguments.target, exact_bytes)
            row.update(method=name, target_acc_loss=arguments.target, ratio=original_bytes / row["bytes"],
                       bits_per_weight=8 * row["bytes"] / weight_count, test_loss_pp=100 * (baseline_test - row["test"]))
            rows.append(row)
    rows.sort(key=lambda row: -row["ratio"])
    report = {"architecture": arguments.model, "weights": f"{arguments.model}.safetensors", "original_bytes": original_bytes,
              "weights_count": weight_count, "target_acc_loss": arguments.target,
              "uncompressed": {"validation": baseline, "test": baseline_test}, "rows": rows}
    output = arguments.output or f"Benchmarks/peers/at-target/{arguments.model}.json"
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output + ".partial", "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(output + ".partial", output)
    for row in rows:
        print(f"{row['method']:18} {row['bytes']:8d} {row['ratio']:7.2f}x  val loss {row['validation_loss_pp']:.2f} pp  "
              f"test {100 * row['test']:.2f} %  setting {row['setting']}  max err/bound {row['max_error_over_bound']:.3f}")


if __name__ == "__main__":
    main()
