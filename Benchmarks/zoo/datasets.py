"""Loads the zoo's two labelled image sets and writes them as .npz files (arrays x: N×1×H×W
float32, already normalised; y: N int64).

MNIST mirrors SZNNEngine.MNIST exactly: train = first 55,000 images of the training file,
validation = its last 5,000, test = the 10,000 t10k images; x' = x · (1/(255·0.3081)) − 0.1307/0.3081
computed in float32 like the Swift engine, so one model serves both.
digits is scikit-learn's bundled load_digits (8×8, 1,797 images): a seeded permutation gives
1,197 train / 300 validation / 300 test; x' = (x/16 − DIGITS_MEAN) / DIGITS_STD.

Usage: datasets.py [--mnist-out DIR] [--digits-out DIR]
(--mnist-out also receives mnist.npz and digits.npz, one file per set with x_val/x_test [x_train].)
"""
import argparse
import gzip
import os

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MNIST_DIR = os.path.join(ROOT, "Data", "mnist")
MNIST_TRAIN_COUNT = 55_000
MNIST_MEAN, MNIST_STD = np.float32(0.1307), np.float32(0.3081)
DIGITS_SEED = 0
DIGITS_SPLIT = (1197, 300, 300)
# Mean and standard deviation of the digits training split's pixels after /16, rounded to 4 places.
DIGITS_MEAN, DIGITS_STD = np.float32(0.3058), np.float32(0.3756)


def read_idx(path):
    """Returns the array stored in one gzip-compressed IDX file (unsigned bytes only)."""
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def normalise_mnist(images):
    """Scales bytes exactly like SZNNEngine.MNIST: x·scale − shift in float32."""
    scale = np.float32(1) / (np.float32(255) * MNIST_STD)
    shift = MNIST_MEAN / MNIST_STD
    return (images.astype(np.float32) * scale - shift).astype(np.float32)[:, None, :, :]


def mnist():
    """Returns {'train', 'validation', 'test'} → (x, y) for MNIST."""
    train_x = read_idx(os.path.join(MNIST_DIR, "train-images-idx3-ubyte.gz"))
    train_y = read_idx(os.path.join(MNIST_DIR, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    test_x = read_idx(os.path.join(MNIST_DIR, "t10k-images-idx3-ubyte.gz"))
    test_y = read_idx(os.path.join(MNIST_DIR, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    n = MNIST_TRAIN_COUNT
    return {
        "train": (normalise_mnist(train_x[:n]), train_y[:n]),
        "validation": (normalise_mnist(train_x[n:]), train_y[n:]),
        "test": (normalise_mnist(test_x), test_y),
    }


def digits():
    """Returns {'train', 'validation', 'test'} → (x, y) for scikit-learn's digits."""
    from sklearn.datasets import load_digits
    bunch = load_digits()
    images = bunch.images.astype(np.float32) / np.float32(16)
    labels = bunch.target.astype(np.int64)
    order = np.random.RandomState(DIGITS_SEED).permutation(len(labels))
    a, b = DIGITS_SPLIT[0], DIGITS_SPLIT[0] + DIGITS_SPLIT[1]
    parts = {"train": order[:a], "validation": order[a:b], "test": order[b:]}
    return {name: (((images[idx] - DIGITS_MEAN) / DIGITS_STD).astype(np.float32)[:, None, :, :], labels[idx])
            for name, idx in parts.items()}


def load(name):
    """Returns the splits of the named dataset ('mnist' or 'digits')."""
    return {"mnist": mnist, "digits": digits}[name]()


def write(splits, directory, prefix, names):
    """Writes one compressed .npz (x, y) per split and prints its path."""
    os.makedirs(directory, exist_ok=True)
    for name in names:
        x, y = splits[name]
        path = os.path.join(directory, f"{prefix}-{name}.npz")
        np.savez_compressed(path, x=x, y=y)
        print(f"{os.path.relpath(path, ROOT)}: x {x.shape} {x.dtype}, y {y.shape} {y.dtype}")


def write_combined(splits, path, names):
    """Writes one .npz with x_<split>/y_<split> per split (train, val, test): what `sz-nn --data` reads."""
    keys = {"train": "train", "validation": "val", "test": "test"}
    arrays = {}
    for name in names:
        arrays[f"x_{keys[name]}"], arrays[f"y_{keys[name]}"] = splits[name]
    np.savez(path, **arrays)
    print(f"{os.path.relpath(path, ROOT)}: {', '.join(sorted(arrays))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist-out", default=os.path.join(ROOT, "Benchmarks", "zoo", "data"))
    parser.add_argument("--digits-out", default=os.path.join(ROOT, "Data", "digits"))
    args = parser.parse_args()
    mnist_splits, digits_splits = mnist(), digits()
    write(mnist_splits, args.mnist_out, "mnist", ["validation", "test"])
    write(digits_splits, args.digits_out, "digits", ["train", "validation", "test"])
    # For `sz-nn --data` and Benchmarks/peers/at_target.py: one file per set (git-ignored folder).
    write_combined(mnist_splits, os.path.join(args.mnist_out, "mnist.npz"), ["validation", "test"])
    write_combined(digits_splits, os.path.join(args.mnist_out, "digits.npz"), ["train", "validation", "test"])


if __name__ == "__main__":
    main()
