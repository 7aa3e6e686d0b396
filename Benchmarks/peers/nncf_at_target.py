#!/usr/bin/env python3
"""NNCF's accuracy-controlled int8 quantization of an ONNX model: the industry peer at a target.

Usage (from the repository root, after Benchmarks/zoo/setup.sh and `pip install nncf` in the venv):
    Benchmarks/peers/.venv/bin/python Benchmarks/peers/nncf_at_target.py MODEL.onnx \
        --validation VAL.npz --test TEST.npz [--target 0.5] [--output ROW.json]

Each .npz holds `x` (N x ..., float32, already normalised as the model expects) and `y` (N labels).
NNCF's `quantize_with_accuracy_control` (ONNX backend) calibrates on up to 300 validation
images, quantizes to int8 and reverts layers to float until the validation top-1 drop is at
most `--target` percentage points (`max_drop` = target / 100, absolute). The row counts the
size as the int8 ONNX file NNCF writes (graph included), against every float initializer's
float32 bytes, as `sz-nn compare` counts its own ratio; accuracies come from onnxruntime on
one thread. The row follows the schema of `sz-nn compare --json`.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


def load(path):
    data = np.load(path)
    return data["x"].astype(np.float32), data["y"].astype(np.int64)


def top1(model, images, labels, batch=128):
    """Top-1 accuracy in [0, 1] of an onnx.ModelProto (or a path) under onnxruntime, one thread."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    source = model if isinstance(model, str) else model.SerializeToString()
    session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    correct = 0
    for start in range(0, len(labels), batch):
        logits = session.run(None, {name: images[start:start + batch]})[0]
        correct += int((logits.argmax(axis=1) == labels[start:start + batch]).sum())
    return correct / len(labels)


def float_bytes(model):
    return sum(numpy_helper.to_array(t).size * 4 for t in model.graph.initializer
               if t.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--validation", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--target", type=float, default=0.5, help="largest validation top-1 drop, percentage points")
    parser.add_argument("--output", help="write the row as JSON here (default: standard output only)")
    args = parser.parse_args()

    import nncf  # imported late: it is slow to import and only this path needs it

    model = onnx.load(args.model)
    val_x, val_y = load(args.validation)
    test_x, test_y = load(args.test)
    input_name = model.graph.input[0].name
    original_val, original_test = top1(model, val_x, val_y), top1(model, test_x, test_y)

    batches = [(val_x[i:i + 1], val_y[i:i + 1]) for i in range(len(val_y))]
    # One session per call is NNCF's cost model too; keep the sessions on one thread.
    calibration = nncf.Dataset(batches, lambda item: {input_name: item[0]})
    validation = nncf.Dataset(batches, lambda item: {input_name: item[0]})

    def validate(candidate, items):
        # NNCF calls this on subsets too (to rank layers): evaluate exactly the items it passes.
        chosen = list(items)
        images = np.concatenate([item[0] for item in chosen])
        labels = np.concatenate([item[1] for item in chosen])
        return top1(candidate, images, labels), None

    started = time.time()
    quantized = nncf.quantize_with_accuracy_control(
        model, calibration, validation, validate, max_drop=args.target / 100,
        drop_type=nncf.DropType.ABSOLUTE, subset_size=min(300, len(val_y)))
    seconds = time.time() - started
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "int8.onnx")
        onnx.save(quantized, path)
        size = os.path.getsize(path)
        val, test = top1(path, val_x, val_y), top1(path, test_x, test_y)
    original = float_bytes(model)
    row = {
        "method": "nncf-accuracy-control", "setting": f"int8, max_drop {args.target} pp",
        "bytes": size, "original_bytes": original, "ratio": original / size,
        "validation": {"original": original_val, "compressed": val},
        "test": {"original": original_test, "compressed": test},
        "validation_drop_pp": (original_val - val) * 100, "test_drop_pp": (original_test - test) * 100,
        "meets_target": (original_val - val) * 100 <= args.target + 1e-9, "seconds": seconds,
        "nncf_version": nncf.__version__,
    }
    text = json.dumps(row, indent=2)
    print(text)
    if args.output:
        with open(args.output, "w") as handle:
            handle.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
