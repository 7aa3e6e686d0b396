"""Reference loss and gradients from PyTorch autograd for one fixed batch of a trained zoo model.

Usage: torch_grad.py NAME [NAME ...] [--models Data/models/zoo] [--out Data/models/zoo/reference]
NAME is ARCH-DATASET (e.g. resnet-mnist). The model is rebuilt from NAME.onnx (initializers are
the PyTorch parameter and buffer names), put in eval mode (BatchNorm uses its running statistics)
and run in float64 on the first 32 validation images. OUT/NAME-grad.npz holds:
  x (32×1×H×W float32, the exact batch), y (32 int64), logits (32×10 float64),
  loss (float64 scalar, mean cross-entropy), and grad.<initializer name> (float64, the gradient
  of the mean loss w.r.t. that parameter, same shape as the initializer).
Float64 makes the reference exact to far below the 1e-4 relative tolerance of the Swift check.
"""
import argparse
import os

import numpy as np
import torch
from torch import nn

import datasets
import onnx_io

BATCH = 32


def reference(model_path, x, y):
    """Returns {name: array} with logits, loss and every parameter's gradient for batch (x, y)."""
    model = onnx_io.load(model_path).double()
    inputs = torch.from_numpy(x).double()
    logits = model(inputs)
    loss = nn.functional.cross_entropy(logits, torch.from_numpy(y))
    loss.backward()
    arrays = {"x": x, "y": y, "logits": logits.detach().numpy(), "loss": np.float64(loss.item())}
    for name, parameter in model.named_parameters():
        arrays[f"grad.{name}"] = parameter.grad.numpy()
    return arrays


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="+", metavar="NAME")
    parser.add_argument("--models", default=os.path.join(datasets.ROOT, "Data", "models", "zoo"))
    parser.add_argument("--out", default=os.path.join(datasets.ROOT, "Data", "models", "zoo", "reference"))
    args = parser.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    loaded = {}
    for name in args.names:
        dataset = name.split("-")[1]
        loaded.setdefault(dataset, datasets.load(dataset))
        x, y = loaded[dataset]["validation"]
        arrays = reference(os.path.join(args.models, f"{name}.onnx"), x[:BATCH], y[:BATCH])
        path = os.path.join(args.out, f"{name}-grad.npz")
        np.savez_compressed(path, **arrays)
        print(f"{os.path.relpath(path, datasets.ROOT)}: loss {arrays['loss']:.6f}, "
              f"{sum(1 for k in arrays if k.startswith('grad.'))} gradients, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
