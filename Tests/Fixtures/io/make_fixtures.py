#!/usr/bin/env python3
"""Regenerates the golden model-file fixtures in this directory (python3 + numpy, nothing else).

Run from anywhere: `python3 Tests/Fixtures/io/make_fixtures.py`. Output is deterministic except
for zip timestamps written by NumPy; the tests check values, not bytes. The expected values are
spelled out in Tests/SZNNCoreTests/IO/GoldenFixtureTests.swift — change both together.
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def safetensors_bytes(tensors, metadata=None, header_override=None, data_override=None):
    """A tiny safetensors writer: header keys sorted (so JSON order != data order), data in list order."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    data = b""
    for name, array, dtype in tensors:
        raw = array.astype(array.dtype.newbyteorder("<")).tobytes(order="C")
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        data += raw
    text = header_override if header_override is not None else json.dumps(header, sort_keys=True, separators=(",", ":"))
    blob = text.encode("utf-8")
    blob += b" " * ((8 - len(blob) % 8) % 8)
    return struct.pack("<Q", len(blob)) + blob + (data if data_override is None else data_override)


def write(name, blob):
    with open(path(name), "wb") as handle:
        handle.write(blob)


weight = (np.arange(6, dtype=np.float32) * 0.5 - 1.0).reshape(2, 3)  # [[-1, -0.5, 0], [0.5, 1, 1.5]]
bias = np.array([0.5, -1.25, 2.0], dtype=np.float16)
steps = np.array([1, -9_000_000_000], dtype=np.int64)
metadata = {"format": "pt", "source": "make_fixtures.py"}
model = [("weight", weight, "F32"), ("bias", bias, "F16"), ("steps", steps, "I64")]

# Valid safetensors: data order weight, bias, steps; JSON key order __metadata__, bias, steps, weight.
write("model.safetensors", safetensors_bytes(model, metadata))

# Corrupt safetensors, one defect each.
entry = '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}'
two_floats = np.array([1.0, 2.0], dtype=np.float32).tobytes()
write("corrupt-duplicate.safetensors", safetensors_bytes([], header_override="{" + entry + "," + entry + "}", data_override=two_floats))
write("corrupt-overlap.safetensors", safetensors_bytes([], header_override=(
    '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'),
    data_override=two_floats))
write("corrupt-out-of-range.safetensors", safetensors_bytes([], header_override=(
    '{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}'), data_override=two_floats))
write("corrupt-byte-count.safetensors", safetensors_bytes([], header_override=(
    '{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}'), data_override=two_floats))
write("corrupt-dtype.safetensors", safetensors_bytes([], header_override=(
    '{"a":{"dtype":"F8_E4M3X","shape":[8],"data_offsets":[0,8]}}'), data_override=two_floats))
write("corrupt-header-bomb.safetensors", struct.pack("<Q", 1 << 40) + b"{}      ")

# .npy arrays.
np.save(path("float32.npy"), weight)
np.save(path("float16.npy"), np.array([1.0, -2.0, 0.333251953125, 65504.0], dtype=np.float16))
np.save(path("float64.npy"), np.array([[np.pi, -np.e], [1e-300, 1e300]], dtype=np.float64))
np.save(path("int32.npy"), np.array([-2147483648, 0, 2147483647], dtype=np.int32))
np.save(path("bool.npy"), np.array([[True, False], [False, True]]))
np.save(path("big-endian.npy"), weight.astype(">f4"))
np.save(path("fortran.npy"), np.asfortranarray(weight))
np.save(path("complex.npy"), np.array([1 + 2j], dtype=np.complex64))

# .npz archives, stored and deflated (NumPy writes members in keyword order).
np.savez(path("stored.npz"), weight=weight, bias=bias, steps=steps)
np.savez_compressed(path("deflated.npz"), weight=weight, bias=bias, steps=steps)

# A stored .npz with one data byte flipped (the last byte of the last member's data).
with open(path("stored.npz"), "rb") as handle:
    archive = bytearray(handle.read())
central_directory_offset = struct.unpack_from("<I", archive, len(archive) - 22 + 16)[0]
archive[central_directory_offset - 1] ^= 0xFF
write("corrupt-crc.npz", bytes(archive))

print("fixtures written to", HERE)
