"""Writes torch_references.json: PyTorch forward outputs for the graph engine's Conv, MaxPool,
AveragePool and BatchNormalization operators, with the ONNX attributes that express each case.

Run from the repository root:  $PYTHON Tests/Fixtures/graph/make_torch_references.py
($PYTHON defaults to Benchmarks/peers/.venv/bin/python; any Python with torch works).
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(20261203)
torch.set_num_threads(2)


def tensor(shape):
    return torch.rand(shape, dtype=torch.float32) * 2 - 1


def encode(values):
    return {"shape": list(values.shape), "values": [float(v) for v in values.detach().flatten()]}


def conv_case(name, input_shape, out_channels, kernel, groups=1, stride=(1, 1), pads=(0, 0, 0, 0), dilation=(1, 1)):
    x = tensor(input_shape)
    w = tensor([out_channels, input_shape[1] // groups, *kernel])
    b = tensor([out_channels])
    top, left, bottom, right = pads
    # F.pad takes (left, right, top, bottom): asymmetric padding, then an unpadded conv.
    y = F.conv2d(F.pad(x, (left, right, top, bottom)), w, b, stride=stride, dilation=dilation, groups=groups)
    attributes = {"group": groups, "strides": list(stride), "pads": list(pads), "dilations": list(dilation)}
    return {"name": name, "operator": "Conv", "attributes": attributes, "inputs": [encode(x), encode(w), encode(b)], "outputs": [encode(y)]}


def pool_case(name, operator, kernel, stride, padding, ceil_mode, count_include_pad=False):
    x = tensor([2, 3, 7, 6])
    if operator == "MaxPool":
        y = F.max_pool2d(x, kernel, stride, padding, ceil_mode=ceil_mode)
    else:
        y = F.avg_pool2d(x, kernel, stride, padding, ceil_mode=ceil_mode, count_include_pad=count_include_pad)
    attributes = {"kernel_shape": list(kernel), "strides": list(stride), "pads": [padding[0], padding[1]] * 2,
                  "ceil_mode": int(ceil_mode), "count_include_pad": int(count_include_pad)}
    return {"name": name, "operator": operator, "attributes": attributes, "inputs": [encode(x)], "outputs": [encode(y)]}


def batch_norm_case(name, training):
    x = tensor([4, 3, 3, 2])
    scale, shift, mean = tensor([3]), tensor([3]), tensor([3])
    variance = torch.rand([3]) + 0.5
    running_mean, running_var = mean.clone(), variance.clone()
    # torch's momentum weighs the batch; ONNX's weighs the running value: onnx = 1 − torch.
    y = F.batch_norm(x, running_mean, running_var, scale, shift, training=training, momentum=0.1, eps=1e-3)
    outputs = [encode(y)] + ([encode(running_mean)] if training else [])
    return {"name": name, "operator": "BatchNormalization", "attributes": {"epsilon": 1e-3, "momentum": 0.9},
            "training": training, "inputs": [encode(v) for v in (x, scale, shift, mean, variance)], "outputs": outputs}


cases = [
    conv_case("conv plain", [2, 4, 6, 5], 4, (3, 3)),
    conv_case("conv groups 2", [2, 4, 6, 5], 6, (3, 3), groups=2),
    conv_case("conv depthwise", [2, 4, 6, 5], 4, (3, 3), groups=4),
    conv_case("conv stride 2 pad 1", [2, 4, 6, 5], 4, (3, 3), stride=(2, 2), pads=(1, 1, 1, 1)),
    conv_case("conv asymmetric pads", [2, 4, 6, 5], 4, (3, 2), pads=(0, 1, 2, 0)),
    conv_case("conv dilation 2", [2, 4, 7, 6], 4, (3, 3), dilation=(2, 2), pads=(2, 2, 2, 2)),
    pool_case("max pool", "MaxPool", (3, 3), (2, 2), (0, 0), False),
    pool_case("max pool ceil pad", "MaxPool", (3, 3), (2, 2), (1, 1), True),
    pool_case("average pool", "AveragePool", (3, 3), (2, 2), (0, 0), False),
    pool_case("average pool ceil", "AveragePool", (3, 3), (2, 2), (0, 0), True),
    pool_case("average pool pad include", "AveragePool", (3, 3), (2, 2), (1, 1), False, True),
    pool_case("average pool pad exclude", "AveragePool", (3, 3), (2, 2), (1, 1), False, False),
    pool_case("average pool ceil pad include", "AveragePool", (3, 3), (2, 2), (1, 1), True, True),
    batch_norm_case("batch norm inference", False),
    batch_norm_case("batch norm training", True),
]

path = pathlib.Path(__file__).with_name("torch_references.json")
path.write_text(json.dumps({"generator": "make_torch_references.py", "torch": torch.__version__, "cases": cases}) + "\n")
print(f"wrote {len(cases)} cases to {path}")
