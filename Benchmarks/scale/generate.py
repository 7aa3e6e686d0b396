"""Writes a synthetic safetensors checkpoint of seeded Laplace(0, 0.02) weights, tensor by tensor.

Usage: python generate.py OUTPUT.safetensors ELEMENTS DTYPE [SHARDS]
  ELEMENTS  total weight elements, e.g. 100e6 (the last matrix is cut to fit)
  DTYPE     F32 or BF16 (BF16: float32 rounded to nearest even, as torch does)
  SHARDS    if > 1, writes OUTPUT-0000i-of-0000n.safetensors and OUTPUT.safetensors.index.json
            (Hugging Face's layout) instead of one file

Layers cycle through matrices of 4 M, 8 M and 16 M elements, each with a bias vector, so a
model has many tensors of realistic size; layer i uses seed i, so every run writes the same bytes.
Memory: one tensor at a time.
"""
import json
import struct
import sys

import numpy as np

SHAPES = [(2048, 2048), (4096, 2048), (4096, 4096)]


def layers(total):
    """(name, shape) of every tensor, weight matrices and biases, until `total` elements."""
    remaining, index = int(total), 0
    while remaining > 0:
        rows, columns = SHAPES[index % len(SHAPES)]
        if rows * columns > remaining:
            rows = max(1, remaining // columns)
        yield f"layers.{index}.weight", (rows, columns)
        yield f"layers.{index}.bias", (rows,)
        remaining -= rows * columns + rows
        index += 1


def values(name, shape, dtype):
    """The seeded bytes of one tensor."""
    seed = int(name.split(".")[1]) * 2 + (name.endswith("bias"))
    array = np.random.default_rng(seed).laplace(0.0, 0.02, size=shape).astype(np.float32)
    if dtype == "F32":
        return array.tobytes()
    bits = array.view(np.uint32)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    return rounded.tobytes()


def write(path, tensors, dtype, tensor_bytes=values):
    """One safetensors file of `tensors` (name, shape), data in that order, each tensor's bytes
    from `tensor_bytes(name, shape, dtype)` (default: the seeded values above)."""
    width = 4 if dtype == "F32" else 2
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape in tensors:
        size = int(np.prod(shape)) * width
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as output:
        output.write(struct.pack("<Q", len(text)))
        output.write(text)
        for name, shape in tensors:
            output.write(tensor_bytes(name, shape, dtype))
    return offset


def main():
    path, total, dtype = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    shards = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    tensors = list(layers(total))
    if shards <= 1:
        write(path, tensors, dtype)
        return
    stem = path[: -len(".safetensors")]
    weight_map, total_size = {}, 0
    for number in range(shards):
        name = f"{stem.split('/')[-1]}-{number + 1:05d}-of-{shards:05d}.safetensors"
        part = tensors[len(tensors) * number // shards:len(tensors) * (number + 1) // shards]
        total_size += write(f"{stem}-{number + 1:05d}-of-{shards:05d}.safetensors", part, dtype)
        weight_map.update({tensor: name for tensor, _ in part})
    with open(path + ".index.json", "w") as index:
        json.dump({"metadata": {"total_size": total_size}, "weight_map": weight_map}, index, indent=2)


if __name__ == "__main__":
    main()
