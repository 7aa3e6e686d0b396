"""Writes MNIST with every image moved SHIFT pixels right and down (zeros move in) as a .npz.

A refresh scenario for `learned.sh`: a model trained on MNIST meets images framed differently,
is fine-tuned on them, and ships the change as an update. Splits as sz-nn's MNIST folder: the
first 55,000 training images train, the last 5,000 validate, t10k tests. uint8, N × 1 × 28 × 28.
Usage: python3 Benchmarks/delta/shifted_mnist.py MNIST_FOLDER SHIFT OUTPUT.npz
"""
import os
import sys

import numpy as np

# The zoo's IDX reader (it checks the magic), rather than a copy of it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zoo"))
from datasets import read_idx  # noqa: E402


def shifted(images, shift):
    moved = np.zeros_like(images)
    moved[:, shift:, shift:] = images[:, :images.shape[1] - shift, :images.shape[2] - shift]
    return moved[:, None, :, :]


folder, shift, output = sys.argv[1], int(sys.argv[2]), sys.argv[3]
train = shifted(read_idx(f"{folder}/train-images-idx3-ubyte.gz"), shift)
train_labels = read_idx(f"{folder}/train-labels-idx1-ubyte.gz").astype(np.int64)
test = shifted(read_idx(f"{folder}/t10k-images-idx3-ubyte.gz"), shift)
test_labels = read_idx(f"{folder}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
np.savez(output, x_train=train[:55000], y_train=train_labels[:55000], x_val=train[55000:], y_val=train_labels[55000:],
         x_test=test, y_test=test_labels)
