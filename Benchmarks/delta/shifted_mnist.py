"""Writes MNIST with every image moved SHIFT pixels right and down (zeros move in) as a .npz.

A refresh scenario for `learned.sh`: a model trained on MNIST meets images framed differently,
is fine-tuned on them, and ships the change as an update. Splits as sz-nn's MNIST folder: the
first 55,000 training images train, the last 5,000 validate, t10k tests. uint8, N × 1 × 28 × 28.
Usage: python3 Benchmarks/delta/shifted_mnist.py MNIST_FOLDER SHIFT OUTPUT.npz
"""
import gzip
import sys

import numpy as np


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dimensions = data[3]
    shape = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(dimensions)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dimensions).reshape(shape)


def shifted(images, shift):
    moved = np.zeros_like(images)
    moved[:, shift:, shift:] = images[:, :images.shape[1] - shift, :images.shape[2] - shift]
    return moved[:, None, :, :]


folder, shift, output = sys.argv[1], int(sys.argv[2]), sys.argv[3]
train = shifted(idx(f"{folder}/train-images-idx3-ubyte.gz"), shift)
train_labels = idx(f"{folder}/train-labels-idx1-ubyte.gz").astype(np.int64)
test = shifted(idx(f"{folder}/t10k-images-idx3-ubyte.gz"), shift)
test_labels = idx(f"{folder}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
np.savez(output, x_train=train[:55000], y_train=train_labels[:55000], x_val=train[55000:], y_val=train_labels[55000:],
         x_test=test, y_test=test_labels)
