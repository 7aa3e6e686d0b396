"""Trains the zoo's models in PyTorch on the CPU, exports each to ONNX and records its accuracies.

Usage: train.py [NAME ...]   (NAME = ARCH-DATASET, e.g. resnet-mnist; default: all six)
       [--threads 2] [--models-out Data/models/zoo] [--results-out Benchmarks/zoo/results]
Seeded (SEED, shuffling generator, fixed thread count): the same command gives the same weights
on the same machine. Each model goes to MODELS_OUT/NAME.onnx and its summary (recipe, epoch
times, PyTorch and onnxruntime accuracies, op types, sha256) to RESULTS_OUT/NAME.json.
"""
import argparse
import hashlib
import json
import os
import time

import numpy as np
import torch
from torch import nn

import datasets
import eval_onnx
import models
import onnx_io

SEED = 1
# Per dataset: epochs, batch size, Adam learning rate (cosine-annealed per step to 0).
RECIPES = {
    ("resnet", "mnist"): (3, 128, 2e-3), ("mobilenet", "mnist"): (3, 128, 2e-3), ("vit", "mnist"): (4, 128, 1e-3),
    ("resnet", "digits"): (40, 64, 2e-3), ("mobilenet", "digits"): (40, 64, 2e-3), ("vit", "digits"): (80, 64, 1e-3),
}
NAMES = [f"{a}-{d}" for d in ("mnist", "digits") for a in ("resnet", "mobilenet", "vit")]


def accuracy(model, x, y, batch=512):
    """Returns the PyTorch top-1 accuracy of model (eval mode) on arrays x, y."""
    model.eval()
    with torch.no_grad():
        predictions = [model(torch.from_numpy(x[s:s + batch])).argmax(1).numpy() for s in range(0, len(x), batch)]
    return float((np.concatenate(predictions) == y).mean())


def fit(model, x, y, epochs, batch, learning_rate):
    """Trains model with Adam and per-step cosine annealing; returns the wall time of every epoch (s)."""
    generator = torch.Generator().manual_seed(SEED)
    steps = epochs * ((len(x) + batch - 1) // batch)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    inputs, labels = torch.from_numpy(x), torch.from_numpy(y)
    times = []
    for epoch in range(epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(len(x), generator=generator)
        for first in range(0, len(x), batch):
            index = order[first:first + batch]
            loss = nn.functional.cross_entropy(model(inputs[index]), labels[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        times.append(time.perf_counter() - start)
        print(f"  epoch {epoch + 1}/{epochs}: {times[-1]:.1f} s, last batch loss {loss.item():.4f}", flush=True)
    return times


def train_one(name, splits, threads, models_out, results_out):
    """Trains, exports and evaluates one model; returns its summary dict."""
    architecture, dataset = name.split("-")
    epochs, batch, learning_rate = RECIPES[(architecture, dataset)]
    torch.manual_seed(SEED)
    model = models.build(architecture, dataset)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters", flush=True)
    times = fit(model, *splits["train"], epochs, batch, learning_rate)
    path = os.path.join(models_out, f"{name}.onnx")
    ops = onnx_io.export(model, models.IMAGE_SIZES[dataset], path)
    summary = {
        "name": name, "parameters": sum(p.numel() for p in model.parameters()),
        "buffer_values": sum(b.numel() for n, b in model.named_buffers() if not n.endswith("num_batches_tracked")),
        "recipe": {"seed": SEED, "epochs": epochs, "batch": batch, "optimizer": "Adam", "learning_rate": learning_rate,
                   "schedule": "cosine per step to 0", "threads": threads},
        "epoch_seconds": [round(t, 2) for t in times],
        "file_bytes": os.path.getsize(path),
        "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
        "ops": ops,
        "initializers": sorted(onnx_io.initializers(path)),
    }
    for split in ("validation", "test"):
        x, y = splits[split]
        summary[f"torch_{split}_top1"] = accuracy(model, x, y)
        summary[f"onnxruntime_{split}_top1"] = float((eval_onnx.predict(path, x, threads) == y).mean())
    os.makedirs(results_out, exist_ok=True)
    with open(os.path.join(results_out, f"{name}.json"), "w") as handle:
        json.dump(summary, handle, indent=1)
    print(json.dumps({k: v for k, v in summary.items() if k != "initializers"}), flush=True)
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", default=NAMES, choices=NAMES + [[]], metavar="NAME")
    parser.add_argument("--threads", type=int, default=2, choices=[1, 2])
    parser.add_argument("--models-out", default=os.path.join(datasets.ROOT, "Data", "models", "zoo"))
    parser.add_argument("--results-out", default=os.path.join(datasets.ROOT, "Benchmarks", "zoo", "results"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.models_out, exist_ok=True)
    loaded = {}
    for name in args.names:
        dataset = name.split("-")[1]
        loaded.setdefault(dataset, datasets.load(dataset))
        train_one(name, loaded[dataset], args.threads, args.models_out, args.results_out)


if __name__ == "__main__":
    main()
