#!/usr/bin/env python3
"""Runs sz-nn (CABAC backend, through its CLI) and its peers on the same tensors and bounds.

Usage (from the repository root, after Benchmarks/peers/setup.sh and a release build):
    Benchmarks/peers/.venv/bin/python Benchmarks/peers/run_peers.py [--sz-nn PATH] [--runs N]

Peers: SZ3 NOPRED and default (pysz), NNCodec error-bounded (qp_density 6) when installed,
ZFP fixed accuracy (zfpy) and zstd-3 (lossless). Every lossy peer's maximum error is checked
against the bound. Ratios are float32 bytes / compressed bytes: for sz-nn the whole .sznn
file (container header, metadata and record header included), for the peers their blob.
sz-nn also gets a row for its payload alone (from `sz-nn inspect --json`), the fair
comparison on small tensors, where the ~300-byte container is several percent.
Speeds are single-thread MB/s of float32 input, median of --runs; sz-nn's are the CLI's
wall time including process start and file I/O, so they understate the codec (see
Benchmarks/codec/results.md for the codec alone). Prints one markdown table.
"""
import argparse
import glob
import importlib.abc
import importlib.machinery
import json
import os
import subprocess
import sys
import tempfile
import time
import types

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_file import read_model, write_model  # noqa: E402

# The codec benchmark's bounds, then two coarser ones near the tuner's operating point (~1 bit/weight on LeNets).
BOUNDS = [("abs", 1e-3), ("abs", 5e-3), ("abs", 1e-2), ("rel", 1e-2), ("abs", 2e-2), ("abs", 5e-2)]


def synthetic_tensors():
    """The synthetic tensors of PEERS.md and Benchmarks/codec (numpy's generator, fixed seeds)."""
    rng = np.random.default_rng(2026)
    return [
        ("laplace-1M (scale 0.02)", rng.laplace(0.0, 0.02, 1 << 20).astype(np.float32)),
        ("gaussian-512x784 (std 1/28)", rng.normal(0.0, 1 / 28, (512, 784)).astype(np.float32)),
    ]


def model_tensors(path):
    """The float32 tensors of >= 10 000 elements of a model file, named model:tensor."""
    model = os.path.basename(path).removesuffix(".safetensors")
    return [(f"{model}:{name}", array) for name, array in read_model(path)[0] if array.size >= 10_000]


def median_time(runs, body):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = body()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], result


def absolute_bound(array, mode, value):
    return value if mode == "abs" else value * float(array.max() - array.min())


def run_sznn(executable, array, mode, value, runs, folder):
    source = os.path.join(folder, "in.safetensors")
    packed = os.path.join(folder, "out.sznn")
    restored = os.path.join(folder, "back.safetensors")
    write_model(source, [("w", array)], None)
    compress = [executable, "compress", source, "-o", packed, "--backend", "cabac", "--error-bound", repr(value),
                "--mode", mode, "--lossless-below", "0"]
    encode, _ = median_time(runs, lambda: subprocess.run(compress, check=True, capture_output=True))
    decode, _ = median_time(runs, lambda: subprocess.run([executable, "decompress", packed, "-o", restored],
                                                         check=True, capture_output=True))
    output = dict(read_model(restored)[0])["w"]
    report = json.loads(subprocess.run([executable, "inspect", packed, "--json"], check=True, capture_output=True).stdout)
    payload = sum(tensor["bytes"] for tensor in report["tensors"])
    return os.path.getsize(packed), encode, decode, output, payload


def sz3(algorithm):
    from pysz import sz, szAlgorithm, szConfig, szErrorBoundMode

    def run(array, mode, value, runs):
        config = szConfig()
        if mode == "abs":
            config.errorBoundMode = szErrorBoundMode.ABS
            config.absErrorBound = value
        else:
            config.errorBoundMode = szErrorBoundMode.REL
            config.relErrorBound = value
        if algorithm == "nopred":
            config.cmprAlgo = szAlgorithm.NOPRED
        encode, (blob, _) = median_time(runs, lambda: sz.compress(array, config))
        decode, (output, _) = median_time(runs, lambda: sz.decompress(blob, np.float32, array.shape))
        return len(blob), encode, decode, output
    return run


def zfp(array, mode, value, runs):
    import zfpy
    tolerance = absolute_bound(array, mode, value)
    encode, blob = median_time(runs, lambda: zfpy.compress_numpy(array, tolerance=tolerance))
    decode, output = median_time(runs, lambda: zfpy.decompress_numpy(blob))
    return len(blob), encode, decode, output


def zstd(array, mode, value, runs):
    import zstandard
    raw = array.tobytes()
    encode, blob = median_time(runs, lambda: zstandard.ZstdCompressor(level=3).compress(raw))
    decode, back = median_time(runs, lambda: zstandard.ZstdDecompressor().decompress(blob))
    return len(blob), encode, decode, np.frombuffer(back, dtype=np.float32).reshape(array.shape)


# Modules nncodec imports for its training and dataset helpers, which the codec never calls:
# torchvision's PyPI wheels are CUDA builds that fail against the CPU torch (PEERS.md), the
# rest are large and unneeded. Each is replaced by a stand-in whose attributes are stand-ins.
STUBBED_MODULES = {"torchvision", "cv2", "torchmetrics", "sklearn", "wandb", "matplotlib", "timm", "PIL",
                   "transformers", "datasets", "tensorboard", "ptflops"}


class _StandIn(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        child = _StandIn(f"{self.__name__}.{name}")
        child.__path__ = []
        setattr(self, name, child)
        return child

    def __call__(self, *args, **kwargs):
        return self

    def __mro_entries__(self, bases):
        return (object,)


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in STUBBED_MODULES:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _StandIn(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def nncodec_available():
    try:
        sys.meta_path.insert(0, _StandInFinder())
        from nncodec import nnc  # noqa: F401
        return True
    except Exception:  # any import failure means: not installed or not usable
        return False


def nncodec_qp(bound, density=6):
    """The largest qp whose step is <= 2·bound (rounding to nearest then keeps |error| <= bound)."""
    levels, qp = 1 << density, -1500
    while (levels + ((qp + 1) & (levels - 1))) * 2.0 ** (((qp + 1) >> density) - density) <= 2 * bound:
        qp += 1
    return qp


def nncodec(array, mode, value, runs):
    from nncodec import nnc
    density = 6
    qp = nncodec_qp(absolute_bound(array, mode, value), density)
    name = "w"

    def compress():
        return nnc.compress({name: array}, bitstream_path=None, qp=qp, qp_density=density, qp_per_tensor={name: qp},
                            use_dq=False, lambda_scale=0.0, param_opt=True, return_bitstream=True, verbose=False)
    encode, blob = median_time(runs, compress)
    decode, output = median_time(runs, lambda: nnc.decompress(bytearray(blob))[name])
    return len(blob), encode, decode, np.asarray(output, dtype=np.float32).reshape(array.shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sz-nn", default=".build/release/sz-nn", help="the sz-nn executable")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per measurement (median)")
    arguments = parser.parse_args()

    tensors = synthetic_tensors()
    for path in sorted(glob.glob("Data/models/*.safetensors")):
        tensors += model_tensors(path)
    peers = [("SZ3 NOPRED", sz3("nopred")), ("SZ3 default", sz3("default"))]
    if nncodec_available():
        peers.append(("NNCodec eb (d=6)", nncodec))
    peers += [("ZFP accuracy", zfp), ("zstd-3 lossless", zstd)]

    print("| tensor | bound | codec | ratio | bits/w | max error / bound | compress MB/s | decompress MB/s | size vs sz-nn payload |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for label, array in tensors:
            megabytes = array.nbytes / 1e6
            for mode, value in BOUNDS:
                bound = absolute_bound(array, mode, value)
                size, encode, decode, output, payload = run_sznn(arguments.sz_nn, array, mode, value, arguments.runs, folder)
                # The file counts the container (header, JSON metadata, record header: ~300 bytes);
                # the payload row is the codec alone, comparable with the peers' bare blobs.
                rows = [("**sz-nn cabac (file)**", (size, encode, decode, output)),
                        ("sz-nn cabac (payload)", (payload, encode, decode, output))]
                for peer, run in peers:
                    if peer.startswith("zstd") and (mode, value) != BOUNDS[0]:
                        continue
                    try:
                        rows.append((peer, run(array, mode, value, arguments.runs)))
                    except Exception as error:  # a peer failing is reported, not fatal
                        print(f"| {label} | {mode} {value:g} | {peer} | failed: {error} | | | | | |")
                reference = rows[1][1][0]
                for peer, (size, encode, decode, output) in rows:
                    error = float(np.max(np.abs(output.astype(np.float64) - array.astype(np.float64))))
                    relative = "lossless" if peer.startswith("zstd") else f"{error / bound:.3f}" + (" **VIOLATED**" if error > bound else "")
                    print(f"| {label} | {mode} {value:g} | {peer} | {array.nbytes / size:.2f} | {8 * size / array.size:.3f} | {relative} "
                          f"| {megabytes / encode:.0f} | {megabytes / decode:.0f} | {100 * (size / reference - 1):+.1f} % |")
                sys.stdout.flush()


if __name__ == "__main__":
    main()
