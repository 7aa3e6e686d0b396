"""Would CABAC contexts chosen by the base weight's quantized magnitude pay on real updates?

An upper bound, measured before building it: for every error-bounded tensor of an update
(same name and shape in base and new, at least 256 elements) and bound e, the indices a delta
record codes are q = round((w_new - w_base) / 2e). The CABAC coder already conditions on the
previous index's class a (zero, negative, positive); the proposal adds the class c of the base
weight's quantized magnitude |round(w_base / 2e)| (0, 1, 2, 3-4, 5-8, 9-16, > 16). This prints,
summed over tensors, two measures of the gain:

- ideal: the empirical conditional entropies H(q | a) and H(q | a, c), what fully learned static
  contexts would reach (optimistic: 21 contexts fitted to the data they code);
- adaptive: the cost of DeepCABAC's own binarization (sig, sign, greater-1, greater-2, order-0
  Exp-Golomb prefix context-coded, suffix bits at 1 bit each: FORMAT.md §5.1 with N = 2) under its
  two-rate estimator (shifts 4 and 7, every context starting at 1/2), summing -log2 p as
  SZNNCABAC's RateEstimator does, once with the contexts of today (by a) and once with every
  context split by c as well. This is what the arithmetic coder would spend, within its flush.

Usage: python3 Benchmarks/delta/contexts.py BASE.safetensors NEW.safetensors [bound ...]
"""
import json
import struct
import sys

import numpy as np


def read(path):
    with open(path, "rb") as handle:
        length = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(length))
        data = handle.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] != "F32":
            continue
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").astype(np.float64).reshape(entry["shape"])
    return tensors


def conditional_entropy_bits(symbols, conditions):
    """n · H(symbols | conditions), empirical, in bits."""
    total = 0.0
    for condition in np.unique(conditions):
        chosen = symbols[conditions == condition]
        _, counts = np.unique(chosen, return_counts=True)
        probabilities = counts / counts.sum()
        total += -(counts * np.log2(probabilities)).sum()
    return total


class Contexts:
    """Adaptive binary contexts with DeepCABAC's two-rate estimator, counting -log2 p per bin."""

    def __init__(self):
        self.states = {}
        self.bits = 0.0

    def code(self, context, bit):
        fast, slow = self.states.get(context, (16384, 16384))
        one = ((fast + slow) >> 1) / 32768
        self.bits -= np.log2(one if bit else 1 - one) if 0 < one < 1 else 0
        if bit:
            fast += (32768 - fast) >> 4
            slow += (32768 - slow) >> 7
        else:
            fast -= fast >> 4
            slow -= slow >> 7
        self.states[context] = (fast, slow)


def adaptive_bits(indices, classes, contexts=None):
    """DeepCABAC's binarization of `indices` (N = 2), contexts keyed by (bin, previous class, `classes`).

    Codes into `contexts` (fresh ones if None: a new record's) and returns the bits of this call.
    """
    contexts = contexts or Contexts()
    start = contexts.bits
    previous = 0
    for value, extra in zip(indices.tolist(), classes.tolist()):
        key = (previous, extra)
        contexts.code(("sig",) + key, value != 0)
        if value != 0:
            contexts.code(("sign",) + key, value < 0)
            magnitude = abs(value)
            for x in (1, 2):
                contexts.code(("gt", x, value < 0, extra), magnitude > x)
                if magnitude <= x:
                    break
            else:
                remainder = magnitude - 2
                k = remainder.bit_length() - 1
                for j in range(k):
                    contexts.code(("prefix", min(j, 15), extra), 1)
                contexts.code(("prefix", min(k, 15), extra), 0)
                contexts.bits += k
        previous = 0 if value == 0 else (1 if value < 0 else 2)
    return contexts.bits - start


def magnitude_class(values):
    edges = np.array([1, 2, 3, 5, 9, 17])
    return np.searchsorted(edges, values, side="right")


def main():
    base, new = read(sys.argv[1]), read(sys.argv[2])
    bounds = [float(value) for value in sys.argv[3:]] or [1e-4, 2e-4, 5e-4, 1e-3]
    print("| bound | indices | non-zero | ideal: by previous, bytes | ideal: by previous and base magnitude, bytes | ideal gain | adaptive: today's contexts, bytes | adaptive: split by base magnitude, bytes | adaptive gain |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for bound in bounds:
        plain = contextual = adaptive_plain = adaptive_split = 0.0
        count = nonzero = 0
        for name, values in new.items():
            if name not in base or base[name].shape != values.shape or values.size < 256:
                continue
            q = np.rint((values - base[name]).ravel() / (2 * bound)).astype(np.int64)
            previous = np.concatenate([[0], np.sign(q[:-1])]) + 1
            magnitude = magnitude_class(np.abs(np.rint(base[name].ravel() / (2 * bound))).astype(np.int64))
            plain += conditional_entropy_bits(q, previous)
            contextual += conditional_entropy_bits(q, previous * 8 + magnitude)
            adaptive_plain += adaptive_bits(q, np.zeros_like(magnitude))
            adaptive_split += adaptive_bits(q, magnitude)
            count += q.size
            nonzero += int(np.count_nonzero(q))
        gain = 100 * (plain - contextual) / plain if plain > 0 else 0.0
        adaptive_gain = 100 * (adaptive_plain - adaptive_split) / adaptive_plain if adaptive_plain > 0 else 0.0
        print(f"| {bound:g} | {count} | {nonzero} | {plain / 8:.0f} | {contextual / 8:.0f} | {gain:.1f} % "
              f"| {adaptive_plain / 8:.0f} | {adaptive_split / 8:.0f} | {adaptive_gain:.1f} % |")


if __name__ == "__main__":
    main()
