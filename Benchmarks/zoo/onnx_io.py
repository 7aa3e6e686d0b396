"""ONNX export of a zoo model and the reverse: loading a zoo model's weights back from its ONNX file."""
import collections

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import models

# Ops the sz-nn graph engine implements; an export that needs any other op is rejected.
ENGINE_OPS = {
    "Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh",
    "Erf", "Gelu", "Softmax", "LayerNormalization", "BatchNormalization", "MaxPool", "AveragePool",
    "GlobalAveragePool", "Flatten", "Reshape", "Transpose", "Concat", "Squeeze", "Unsqueeze", "Gather",
    "Identity", "Dropout", "Constant", "Shape", "Slice", "Cast", "ConstantOfShape", "Expand", "Where",
    "Equal", "Pow", "Sqrt", "ReduceMean", "Split",
}


def export(model, image_size, path):
    """Exports model (eval mode, opset 17, dynamic batch) and checks the graph; returns its op counts.

    TrainingMode.PRESERVE keeps each BatchNormalization a node of its own (in EVAL mode the exporter
    folds it into the preceding Conv and renames the weights); with the model in eval() the nodes are
    inference-mode BatchNormalization (one output, running statistics as initializers).
    """
    model.eval()
    example = torch.zeros(1, 1, image_size, image_size)
    torch.onnx.export(model, example, path, opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True,
                      dynamo=False, training=torch.onnx.TrainingMode.PRESERVE)
    graph = onnx.load(path)
    undo_shared_initializers(graph)
    onnx.checker.check_model(graph)
    onnx.save(graph, path)
    ops = collections.Counter(node.op_type for node in graph.graph.node)
    unsupported = set(ops) - ENGINE_OPS
    if unsupported:
        raise RuntimeError(f"{path}: export uses ops the engine lacks: {sorted(unsupported)}")
    names = {init.name for init in graph.graph.initializer}
    missing = [name for name, _ in model.named_parameters() if name not in names]
    if missing:
        raise RuntimeError(f"{path}: parameters not stored under their own name: {missing}")
    return dict(sorted(ops.items()))


def undo_shared_initializers(graph):
    """Gives every tensor the exporter deduplicated its own initializer again, in place.

    The exporter stores equal-valued tensors once and aliases the others through Identity nodes
    (e.g. the two BatchNorm biases feeding one residual Add get identical gradients and stay
    equal); restoring them keeps every initializer named after its PyTorch parameter or buffer.
    """
    stored = {init.name: init for init in graph.graph.initializer}
    aliases = [node for node in graph.graph.node if node.op_type == "Identity" and node.input[0] in stored]
    for node in aliases:
        copy = onnx.TensorProto()
        copy.CopyFrom(stored[node.input[0]])
        copy.name = node.output[0]
        graph.graph.initializer.append(copy)
        graph.graph.node.remove(node)


def initializers(path):
    """Returns {initializer name: numpy array} of an ONNX file."""
    return {init.name: numpy_helper.to_array(init) for init in onnx.load(path).graph.initializer}


def load(path):
    """Rebuilds the zoo model stored at path (file name ARCH-DATASET.onnx) with its exported weights."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".onnx")
    architecture, dataset = stem.split("-")
    model = models.build(architecture, dataset)
    weights = initializers(path)
    state = model.state_dict()
    for name in state:
        if name.endswith("num_batches_tracked"):
            continue
        if name not in weights:
            raise KeyError(f"{path}: no initializer named {name}")
        state[name] = torch.from_numpy(np.array(weights[name]))
    model.load_state_dict(state)
    return model.eval()
