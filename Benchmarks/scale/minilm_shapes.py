"""Writes a synthetic checkpoint with MiniLM-L6's tensor shapes (22.7 M float32 weights, 101 tensors).
Usage: python minilm_shapes.py OUTPUT.safetensors
Seeded Laplace(0, 0.02) values (tensor i uses seed i), written tensor by tensor by generate.py's writer."""
import sys

import numpy as np

from generate import write  # the safetensors writer beside this file

HIDDEN, FFN, LAYERS, VOCAB, POSITIONS = 384, 1536, 6, 30522, 512


def shapes():
    yield "embeddings.word_embeddings.weight", (VOCAB, HIDDEN)
    yield "embeddings.position_embeddings.weight", (POSITIONS, HIDDEN)
    yield "embeddings.token_type_embeddings.weight", (2, HIDDEN)
    yield "embeddings.LayerNorm.weight", (HIDDEN,)
    yield "embeddings.LayerNorm.bias", (HIDDEN,)
    for layer in range(LAYERS):
        prefix = f"encoder.layer.{layer}."
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]:
            yield prefix + name + ".weight", (HIDDEN, HIDDEN)
            yield prefix + name + ".bias", (HIDDEN,)
        yield prefix + "attention.output.LayerNorm.weight", (HIDDEN,)
        yield prefix + "attention.output.LayerNorm.bias", (HIDDEN,)
        yield prefix + "intermediate.dense.weight", (FFN, HIDDEN)
        yield prefix + "intermediate.dense.bias", (FFN,)
        yield prefix + "output.dense.weight", (HIDDEN, FFN)
        yield prefix + "output.dense.bias", (HIDDEN,)
        yield prefix + "output.LayerNorm.weight", (HIDDEN,)
        yield prefix + "output.LayerNorm.bias", (HIDDEN,)
    yield "pooler.dense.weight", (HIDDEN, HIDDEN)
    yield "pooler.dense.bias", (HIDDEN,)


def main(path):
    seeds = {name: seed for seed, (name, _) in enumerate(shapes())}
    write(path, list(shapes()), "F32",
          lambda name, shape, _: np.random.default_rng(seeds[name]).laplace(0.0, 0.02, size=shape).astype(np.float32).tobytes())


if __name__ == "__main__":
    main(sys.argv[1])
