"""PyTorch reference for sz-nn's LeNet-5 epoch time (Benchmarks/engine/compare_torch.sh).

Same data, split, preprocessing, architecture, initialisation family, optimizer and batch
size as `sz-nn train --model Configs/models/lenet5.json`: the first 55,000 training images,
x' = (x/255 - 0.1307)/0.3081, conv 20@5x5 - maxpool 2 - conv 50@5x5 - maxpool 2 - dense 500
- ReLU - dense 10, SGD lr 0.01 momentum 0.9 weight decay 5e-4, batch 64.

usage: torch_lenet5.py [--threads N] [--epochs N] [--data Data/mnist]
Prints one JSON line: threads, epochs, seconds per epoch, images/s, validation top-1.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--data", default="Data/mnist")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)

    images = read_idx(f"{args.data}/train-images-idx3-ubyte.gz").astype(np.float32)
    labels = read_idx(f"{args.data}/train-labels-idx1-ubyte.gz").astype(np.int64)
    images = ((images / 255.0 - 0.1307) / 0.3081).reshape(-1, 1, 28, 28)
    train_x, train_y = torch.from_numpy(images[:55000]), torch.from_numpy(labels[:55000])
    valid_x, valid_y = torch.from_numpy(images[55000:]), torch.from_numpy(labels[55000:])

    model = nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
    for module in model:
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loss_function = nn.CrossEntropyLoss()

    started = time.perf_counter()
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(55000)
        for start in range(0, 55000, 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            loss = loss_function(model(train_x[batch]), train_y[batch])
            loss.backward()
            optimizer.step()
    seconds = (time.perf_counter() - started) / args.epochs

    model.eval()
    with torch.no_grad():
        correct = sum(int((model(valid_x[i:i + 1000]).argmax(1) == valid_y[i:i + 1000]).sum())
                      for i in range(0, 5000, 1000))
    print(json.dumps({"threads": args.threads, "epochs": args.epochs, "seconds_per_epoch": round(seconds, 2),
                      "images_per_second": round(55000 / seconds), "validation_top1": correct / 5000}))


if __name__ == "__main__":
    main()
