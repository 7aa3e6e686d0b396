"""Writes the benchmark's synthetic tensor: 8 M float32 Laplace values (scale 0.02, seed 0) as safetensors.

Usage: python3 make_laplace.py OUT.safetensors
"""
import json
import struct
import sys

import numpy as np

values = np.random.default_rng(0).laplace(0.0, 0.02, size=(2048, 4096)).astype("<f4")
header = {"laplace": {"dtype": "F32", "shape": list(values.shape), "data_offsets": [0, values.nbytes]}}
encoded = json.dumps(header).encode()
encoded += b" " * ((8 - len(encoded) % 8) % 8)
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<Q", len(encoded)) + encoded + values.tobytes())
