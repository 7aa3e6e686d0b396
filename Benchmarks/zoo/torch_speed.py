"""PyTorch CPU speed of resnet-mnist: training seconds per epoch and inference images per second.

Usage: torch_speed.py [--runs 3] [--out Benchmarks/zoo/torch-speed.json]
Training: one full epoch (55,000 images, batch 128, Adam, the train.py recipe's first epoch) of a
freshly seeded model, on 2 and on 1 thread; the median of --runs runs. Inference: eval mode,
no_grad, the trained Data/models/zoo/resnet-mnist.onnx weights, the 10,000 test images in batches
of 128, on 1 and 2 threads; the median of --runs passes, as images/s.
"""
import argparse
import json
import os
import platform
import statistics
import time

import torch

import datasets
import models
import onnx_io
import train


def epoch_seconds(x, y, threads):
    """Returns the wall time of one training epoch of a fresh resnet-mnist on `threads` threads."""
    torch.set_num_threads(threads)
    torch.manual_seed(train.SEED)
    epochs, batch, learning_rate = train.RECIPES[("resnet", "mnist")]
    return train.fit(models.build("resnet", "mnist"), x, y, 1, batch, learning_rate)[0]


def images_per_second(model, x, threads, batch=128):
    """Returns the inference throughput of model over all of x on `threads` threads."""
    torch.set_num_threads(threads)
    inputs = torch.from_numpy(x)
    with torch.no_grad():
        model(inputs[:batch])
        start = time.perf_counter()
        for first in range(0, len(x), batch):
            model(inputs[first:first + batch])
        return len(x) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(datasets.ROOT, "Benchmarks", "zoo", "torch-speed.json"))
    args = parser.parse_args()
    splits = datasets.mnist()
    model = onnx_io.load(os.path.join(datasets.ROOT, "Data", "models", "zoo", "resnet-mnist.onnx"))
    result = {"model": "resnet-mnist", "torch": torch.__version__, "machine": platform.machine(),
              "runs": args.runs, "train_batch": 128, "inference_batch": 128}
    for threads in (1, 2):
        speeds = [images_per_second(model, splits["test"][0], threads) for _ in range(args.runs)]
        result[f"inference_images_per_second_{threads}_threads"] = round(statistics.median(speeds), 1)
        print(threads, "thread(s) inference", [round(s) for s in speeds], flush=True)
    for threads in (2, 1):
        seconds = [epoch_seconds(*splits["train"], threads) for _ in range(args.runs)]
        result[f"train_seconds_per_epoch_{threads}_threads"] = round(statistics.median(seconds), 2)
        result[f"train_seconds_per_epoch_{threads}_threads_runs"] = [round(s, 2) for s in seconds]
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
