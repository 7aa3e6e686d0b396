"""SZ3 (pysz) on a safetensors checkpoint, tensor by tensor, so its memory is one tensor like sz-nn's.

Usage (the peers venv's python, from the repository root):
  peers.py compress   MODEL.safetensors BLOBS BOUND   SZ3 at absolute BOUND, blobs appended to BLOBS
  peers.py decompress MODEL.safetensors BLOBS OUTPUT  the blobs back to the model's dtype, raw, in order

SZ3 takes float32 and float64 only: a BF16 tensor is widened to float32 (exactly) before
compression and rounded back to BF16 after, so the bound holds on the float32 values SZ3 saw.
SZ3's default algorithm (interpolation + Lorenzo) is used. Prints the compressed bytes.
"""
import json
import struct
import sys

import numpy as np
from pysz import sz, szConfig, szErrorBoundMode


def tensors(path):
    """(name, dtype, shape, file offset, byte count) of every tensor, in data order."""
    with open(path, "rb") as source:
        length = struct.unpack("<Q", source.read(8))[0]
        header = json.loads(source.read(length))
    entries = [(name, entry["dtype"], entry["shape"], 8 + length + entry["data_offsets"][0],
                entry["data_offsets"][1] - entry["data_offsets"][0])
               for name, entry in header.items() if name != "__metadata__"]
    return sorted(entries, key=lambda entry: entry[3])


def as_float32(raw, dtype):
    """The tensor's values as float32 (BF16 widened exactly)."""
    if dtype == "F32":
        return np.frombuffer(raw, dtype="<f4")
    return (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)


def to_dtype(values, dtype):
    """float32 values in the tensor's dtype (BF16 rounded to nearest even)."""
    if dtype == "F32":
        return values.astype("<f4").tobytes()
    bits = values.astype(np.float32).view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2").tobytes()


def main():
    mode, path, blobs = sys.argv[1], sys.argv[2], sys.argv[3]
    total = 0
    if mode == "compress":
        config = szConfig()
        config.errorBoundMode = szErrorBoundMode.ABS
        config.absErrorBound = float(sys.argv[4])
        with open(path, "rb") as source, open(blobs, "wb") as output:
            for _, dtype, shape, offset, count in tensors(path):
                source.seek(offset)
                values = as_float32(source.read(count), dtype).reshape(shape)
                blob, _ = sz.compress(values, config)
                output.write(struct.pack("<Q", len(blob)))
                output.write(blob)
                total += 8 + len(blob)
    else:
        with open(blobs, "rb") as source, open(sys.argv[4], "wb") as output:
            for _, dtype, shape, _, _ in tensors(path):
                length = struct.unpack("<Q", source.read(8))[0]
                values, _ = sz.decompress(np.frombuffer(source.read(length), dtype=np.uint8), np.float32, tuple(shape))
                output.write(to_dtype(values, dtype))
                total += 8 + length
    print(total)


if __name__ == "__main__":
    main()
