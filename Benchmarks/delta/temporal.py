"""Would CABAC contexts that remember the previous update pay on a chain of updates?

Measured before building, as contexts.py does for the base's magnitude. A chain M0 (the base),
M1, M2, ... is coded as sz-nn codes `--base` chains: update k is q_k = round((M_k - D_{k-1}) / 2e)
against the decoded previous model D_{k-1} (D_0 = M0, D_k = D_{k-1} + 2e q_k), for every tensor of
at least 256 elements present with the same shape in all models. For k >= 2 it prints the adaptive
cost (contexts.py's binarization and two-rate estimator) of four codings of q_k:

- fresh: today's record, every context starting at 1/2;
- warm: the contexts start where coding q_{k-1} of the same tensor left them, carried along the
  chain from q_1 on (the idea of NNC's temporal context adaptation);
- by previous: every context split by whether the previous update's co-located index was 0;
- both: warm and split.
plus the ideal gain of the split, 1 - H(q_k | a, z) / H(q_k | a) (a: previous index's class,
z: the co-located previous index is 0), summed over tensors.

Usage: python3 Benchmarks/delta/temporal.py M0.safetensors M1.safetensors M2.safetensors ... [--bounds 1e-4,1e-3]
"""
import sys

import numpy as np

from contexts import Contexts, adaptive_bits, conditional_entropy_bits, read


def main():
    arguments = sys.argv[1:]
    bounds = [1e-4, 3e-4, 1e-3, 3e-3]
    if "--bounds" in arguments:
        at = arguments.index("--bounds")
        bounds = [float(value) for value in arguments[at + 1].split(",")]
        del arguments[at:at + 2]
    models = [read(path) for path in arguments]
    names = [name for name, values in models[0].items()
             if values.size >= 256 and all(name in m and m[name].shape == values.shape for m in models)]
    print("| update | bound | non-zero | fresh, bytes | warm, bytes | gain | by previous, bytes | gain | both, bytes | gain | ideal gain of the split |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for bound in bounds:
        decoded = {name: models[0][name].ravel().copy() for name in names}
        previous = {}
        # The carried contexts of each tensor, plain and split, along the whole chain.
        warm = {name: Contexts() for name in names}
        warm_split = {name: Contexts() for name in names}
        for k in range(1, len(models)):
            totals = np.zeros(6)
            nonzero = 0
            for name in names:
                q = np.rint((models[k][name].ravel() - decoded[name]) / (2 * bound)).astype(np.int64)
                decoded[name] = decoded[name] + 2 * bound * q
                plain = np.zeros_like(q)
                moved = (previous[name] != 0).astype(np.int64) if name in previous else plain
                neighbour = np.concatenate([[0], np.sign(q[:-1])]) + 1
                coded = [adaptive_bits(q, plain), adaptive_bits(q, plain, warm[name]),
                         adaptive_bits(q, moved), adaptive_bits(q, moved, warm_split[name]),
                         conditional_entropy_bits(q, neighbour), conditional_entropy_bits(q, neighbour * 2 + moved)]
                if k >= 2:
                    totals += coded
                    nonzero += int(np.count_nonzero(q))
                previous[name] = q
            if k < 2:
                continue
            fresh, carried, split, both, ideal, ideal_split = totals / 8
            gain = lambda value: f"{100 * (fresh - value) / fresh:.1f} %" if fresh > 0 else "-"
            ideal_gain = f"{100 * (ideal - ideal_split) / ideal:.1f} %" if ideal > 0 else "-"
            print(f"| {k} | {bound:g} | {nonzero} | {fresh:.0f} | {carried:.0f} | {gain(carried)} | {split:.0f} | {gain(split)} "
                  f"| {both:.0f} | {gain(both)} | {ideal_gain} |")


if __name__ == "__main__":
    main()
