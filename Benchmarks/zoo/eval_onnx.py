"""Top-1 accuracy of an ONNX classifier on a labelled .npz (x: N×C×H×W float32, y: N int64) with onnxruntime.

Usage: eval_onnx.py MODEL.onnx DATA.npz [--threads 1] [--batch 256] [--predictions OUT.npy]
Prints one JSON object: model, data, count, correct, top1. --predictions writes the N predicted
classes (int64) as .npy, for comparing the Swift engine with this reference image by image.
"""
import argparse
import json
import os

import numpy as np
import onnxruntime


def predict(model_path, x, threads=1, batch=256):
    """Returns the argmax class of every image in x, computed by onnxruntime on the CPU."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    outputs = [session.run(["logits"], {"input": x[start:start + batch]})[0] for start in range(0, len(x), batch)]
    return np.concatenate(outputs).argmax(axis=1).astype(np.int64)


def evaluate(model_path, data_path, threads=1, batch=256):
    """Returns (summary dict, predictions) for one model on one .npz file."""
    data = np.load(data_path)
    x, y = data["x"], data["y"]
    predictions = predict(model_path, x, threads, batch)
    correct = int((predictions == y).sum())
    summary = {"model": os.path.basename(model_path), "data": os.path.basename(data_path),
               "count": int(len(y)), "correct": correct, "top1": correct / len(y)}
    return summary, predictions


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("--threads", type=int, default=1, choices=[1, 2])
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--predictions", help="write the predicted classes (N int64) to this .npy")
    args = parser.parse_args()
    summary, predictions = evaluate(args.model, args.data, args.threads, args.batch)
    if args.predictions:
        np.save(args.predictions, predictions)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
