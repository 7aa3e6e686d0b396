#!/usr/bin/env python3
"""The zoo table: sz-nn on each ONNX model of Data/models/zoo, beside onnxruntime and NNCF.

Usage (from the repository root, after Benchmarks/zoo/setup.sh, Benchmarks/peers/setup.sh --nncf,
Benchmarks/zoo/datasets.py and `swift build -c release --product sz-nn`):
    Benchmarks/peers/.venv/bin/python Benchmarks/zoo/bench.py [--sz-nn .build/release/sz-nn]
        [--models resnet-mnist,...] [--target 0.5] [--learn MODEL,...] [--no-nncf]

For every model, one run side by side:
1. `sz-nn eval --model M.onnx` and onnxruntime on the same validation and test examples
   (the counts of correct images must be equal);
2. `sz-nn compress M.onnx --data … --target-acc-loss T` (post-training, gradient tuner), then
   `sz-nn decompress -o x.onnx` and onnxruntime on x.onnx: its accuracy must be what sz-nn reported;
3. for the models in --learn, `sz-nn train --model M.onnx --learn-error-bounds --target-acc-loss T`
   (compression-aware fine-tuning on the training split; digits have one, MNIST uses x_train);
4. NNCF's accuracy-controlled int8 quantization at max_drop = T (Benchmarks/peers/nncf_at_target.py).
Ratios count every float initializer's float32 bytes against the output file's bytes. Writes
Benchmarks/zoo/results.md and results.json.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from eval_onnx import predict  # noqa: E402

MODELS = ["resnet-mnist", "mobilenet-mnist", "vit-mnist", "resnet-digits", "mobilenet-digits", "vit-digits"]


def combined(dataset, folder):
    """One .npz with x_val/y_val, x_test/y_test (and x_train/y_train) for sz-nn's --data."""
    path = os.path.join(folder, f"{dataset}.npz")
    if dataset == "mnist":
        sources = {"val": "Benchmarks/zoo/data/mnist-validation.npz", "test": "Benchmarks/zoo/data/mnist-test.npz",
                   "train": "Benchmarks/zoo/data/mnist-train.npz"}
    else:
        sources = {split: f"Data/digits/digits-{name}.npz" for split, name in
                   [("val", "validation"), ("test", "test"), ("train", "train")]}
    arrays = {}
    for split, source in sources.items():
        full = os.path.join(ROOT, source)
        if os.path.exists(full):
            data = np.load(full)
            arrays[f"x_{split}"], arrays[f"y_{split}"] = data["x"], data["y"]
    np.savez(path, **arrays)
    return path, arrays


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}\n{result.stderr[-2000:]}")
    return result.stdout


def ort_accuracy(model, x, y):
    return float((predict(model, x) == y).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sz-nn", default=os.path.join(ROOT, ".build", "release", "sz-nn"))
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--learn", default="resnet-digits,mobilenet-digits,vit-digits")
    parser.add_argument("--target", type=float, default=0.5)
    parser.add_argument("--no-nncf", action="store_true")
    parser.add_argument("--append", action="store_true", help="keep the other models' rows of results.json")
    args = parser.parse_args()
    rows = []
    if args.append and os.path.exists(os.path.join(HERE, "results.json")):
        with open(os.path.join(HERE, "results.json")) as handle:
            rows = [row for row in json.load(handle) if row["model"] not in args.models.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        for name in args.models.split(","):
            model = os.path.join(ROOT, "Data", "models", "zoo", f"{name}.onnx")
            data, arrays = combined(name.split("-")[1], folder)
            val, test = (arrays["x_val"], arrays["y_val"]), (arrays["x_test"], arrays["y_test"])
            row = {"model": name}
            report = json.loads(run([args.sz_nn, "eval", "--model", model, "--data", data, "--json"]))
            row["sznn_eval"] = {"validation": report["validation_top1"], "test": report["test_top1"]}
            row["onnxruntime"] = {"validation": ort_accuracy(model, *val), "test": ort_accuracy(model, *test)}
            # --confidence 0: every row here, NNCF's included, is held to the validation drop alone.
            modes = [("post-training", ["compress", model, "--data", data, "--target-acc-loss", str(args.target), "--confidence", "0"])]
            if name in args.learn.split(","):
                modes.append(("learn-error-bounds", ["train", "--model", model, "--data", data, "--learn-error-bounds",
                                                     "--target-acc-loss", str(args.target)]))
            for mode, command in modes:
                output = os.path.join(folder, f"{name}-{mode}.sznn")
                try:
                    tuned = json.loads(run([args.sz_nn] + command + ["-o", output, "--json"]))
                except RuntimeError as error:  # a target sz-nn cannot meet is a result too
                    row[mode] = {"error": str(error).strip().splitlines()[-1]}
                    print(name, mode, "failed:", row[mode]["error"], file=sys.stderr)
                    continue
                restored = os.path.join(folder, f"{name}-{mode}.onnx")
                run([args.sz_nn, "decompress", output, "-o", restored])
                weights_bytes = tuned["file_bytes"] - tuned.get("graph_bytes", 0)
                row[mode] = {"ratio": tuned["ratio"], "bytes": tuned["file_bytes"], "original_bytes": tuned["original_bytes"],
                             "graph_bytes": tuned.get("graph_bytes", 0), "weights_ratio": tuned["original_bytes"] / weights_bytes,
                             "validation": tuned["validation"], "test": tuned["test"], "seconds": tuned["seconds"],
                             "onnxruntime_on_decompressed": {"validation": ort_accuracy(restored, *val), "test": ort_accuracy(restored, *test)}}
                print(name, mode, f"{tuned['ratio']:.2f}x", file=sys.stderr)
            if not args.no_nncf:
                val_path, test_path = os.path.join(folder, "v.npz"), os.path.join(folder, "t.npz")
                np.savez(val_path, x=val[0], y=val[1])
                np.savez(test_path, x=test[0], y=test[1])
                nncf_path = os.path.join(folder, "nncf.json")
                try:
                    # NNCF logs to standard output: the row comes from the file the script writes.
                    run([sys.executable, os.path.join(ROOT, "Benchmarks", "peers", "nncf_at_target.py"), model,
                         "--validation", val_path, "--test", test_path, "--target", str(args.target), "--output", nncf_path])
                    with open(nncf_path) as handle:
                        row["nncf"] = json.load(handle)
                except (RuntimeError, OSError, ValueError) as error:  # a peer's failure is a result, not the end of the run
                    row["nncf_error"] = str(error).splitlines()[-1]
                    print(name, "NNCF failed:", row["nncf_error"], file=sys.stderr)
            rows.append(row)
            # Written after every model, so a long run that is stopped keeps what it measured.
            with open(os.path.join(HERE, "results.json"), "w") as handle:
                json.dump(rows, handle, indent=1)
            write_table(rows, args.target)


def pct(value):
    return f"{value * 100:.2f}"


def write_table(rows, target):
    lines = [f"# The zoo at a {target} pp validation top-1 target", "",
             "Written by `Benchmarks/zoo/bench.py` (one run, side by side; README.md there). Accuracies are top-1 %.", "",
             "Ratio: float32 bytes of every float initializer / the output file (sz-nn: the .sznn with its graph block;",
             "NNCF: its int8 .onnx, graph included). Weights ratio: the same over the file without the graph block (sz-nn only),",
             "the figure to set beside peers that store bare weight blobs (Benchmarks/peers/at-target).", "",
             "| model | sz-nn eval val / test | onnxruntime val / test | method | ratio | weights ratio | val drop pp | test drop pp | onnxruntime on the output val / test |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        head = f"| {row['model']} | {pct(row['sznn_eval']['validation'])} / {pct(row['sznn_eval']['test'])} | " \
               f"{pct(row['onnxruntime']['validation'])} / {pct(row['onnxruntime']['test'])}"
        for mode in ["post-training", "learn-error-bounds"]:
            if mode not in row:
                continue
            r = row[mode]
            if "error" in r:
                lines.append(f"{head} | sz-nn {mode} | failed: {r['error'][:90]} | | | | |")
                continue
            lines.append(f"{head} | sz-nn {mode} | {r['ratio']:.2f}× | {r['weights_ratio']:.2f}× | {(r['validation']['original'] - r['validation']['compressed']) * 100:.2f} | "
                         f"{(r['test']['original'] - r['test']['compressed']) * 100:.2f} | "
                         f"{pct(r['onnxruntime_on_decompressed']['validation'])} / {pct(r['onnxruntime_on_decompressed']['test'])} |")
        if "nncf" in row:
            n = row["nncf"]
            lines.append(f"{head} | NNCF int8 accuracy control | {n['ratio']:.2f}× | - | {n['validation_drop_pp']:.2f} | {n['test_drop_pp']:.2f} | "
                         f"{pct(n['validation']['compressed'])} / {pct(n['test']['compressed'])} |")
    with open(os.path.join(HERE, "results.md"), "w") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
