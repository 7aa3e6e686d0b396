#!/usr/bin/env python3
"""Writes model.safetensors, the tiny source model the golden .sznn files are compressed from.

python3 + numpy only; deterministic (seeded), so rerunning it reproduces the committed file
byte for byte. Run from anywhere: `python3 Tests/Fixtures/sznn/make_source.py`.
README.md in this directory says how the .sznn files were then made from it.

The model has one tensor of every float dtype large enough to be compressed with an error
bound (>= 256 elements, the CLI's default --lossless-below), a small bias (stored losslessly),
an integer tensor (always lossless), and the awkward values the quantizer must escape
(NaN, +-Inf, -0.0, a subnormal, 1e30).
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240601)


def to_bfloat16_bits(values):
    """float32 values rounded to nearest-even bfloat16, as uint16 bit patterns."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


fc1 = rng.normal(0.0, 0.05, size=(32, 16)).astype(np.float32)
# Escapes: values no bound can hold, or that must come back bit-exact.
fc1[0, 0] = np.nan
fc1[0, 1] = np.inf
fc1[0, 2] = -np.inf
fc1[0, 3] = -0.0
fc1[0, 4] = np.float32(1e-42)  # float32 subnormal
fc1[0, 5] = np.float32(1e30)
tensors = [
    ("fc1.weight", fc1, "F32"),
    ("fc1.bias", rng.normal(0.0, 0.1, size=(32,)).astype(np.float32), "F32"),
    ("fc2.weight", rng.laplace(0.0, 0.05, size=(10, 32)).astype(np.float16), "F16"),
    ("embedding.weight", to_bfloat16_bits(rng.normal(0.0, 1.0, size=(20, 16))), "BF16"),
    ("head.weight", rng.normal(0.0, 0.02, size=(16, 20)).astype(np.float64), "F64"),
    ("steps", np.array([7, -9_000_000_000], dtype=np.int64), "I64"),
]
metadata = {"format": "pt", "source": "Tests/Fixtures/sznn/make_source.py"}

header = {"__metadata__": metadata}
data = b""
for name, array, dtype in tensors:
    raw = array.astype(array.dtype.newbyteorder("<")).tobytes(order="C")
    header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
blob = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
blob += b" " * ((8 - len(blob) % 8) % 8)
with open(os.path.join(HERE, "model.safetensors"), "wb") as handle:
    handle.write(struct.pack("<Q", len(blob)) + blob + data)
