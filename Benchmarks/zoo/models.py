"""The zoo's three architectures, each built for a 1×H×W input and 10 classes.

Every layer is written so the legacy TorchScript ONNX exporter (opset 17) emits only ops the
sz-nn graph engine implements; in particular attention is explicit MatMul/Softmax and the
transformer's linear layers keep their weight as an in×out MatMul operand, so no Transpose of
a weight is constant-folded into a renamed initializer.
"""
import math

import torch
from torch import nn


class BasicBlock(nn.Module):
    """ResNet basic block: conv-BN-ReLU-conv-BN plus identity or strided 1×1-conv+BN shortcut, then ReLU."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class ResNet(nn.Module):
    """Stem conv+BN+ReLU, three basic blocks (8, 16/2, 32/2 channels/stride), global average pool, Linear.

    The first block has an identity shortcut, the other two a strided 1×1-conv+BN one; the widths
    keep a CPU epoch on MNIST near 25 s on 2 threads.
    """

    def __init__(self, image_size, classes=10, widths=(8, 16, 32)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU())
        self.block1 = BasicBlock(widths[0], widths[0], 1)
        self.block2 = BasicBlock(widths[0], widths[1], 2)
        self.block3 = BasicBlock(widths[1], widths[2], 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(widths[2], classes)

    def forward(self, x):
        x = self.block3(self.block2(self.block1(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


def separable(in_channels, out_channels, stride):
    """Depthwise 3×3 conv (groups = channels) + BN + ReLU6, then pointwise 1×1 conv + BN + ReLU6."""
    return nn.Sequential(
        nn.Conv2d(in_channels, in_channels, 3, stride, 1, groups=in_channels, bias=False),
        nn.BatchNorm2d(in_channels), nn.ReLU6(),
        nn.Conv2d(in_channels, out_channels, 1, bias=False), nn.BatchNorm2d(out_channels), nn.ReLU6())


class MobileNet(nn.Module):
    """MobileNet-v1-style: stem conv, four depthwise-separable blocks (32/2, 64, 128/2, 128), GAP, Linear."""

    def __init__(self, image_size, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.features = nn.Sequential(separable(16, 32, 2), separable(32, 64, 1),
                                      separable(64, 128, 2), separable(128, 128, 1))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(self.stem(x))), 1))


class Dense(nn.Module):
    """Affine map y = x·W + b with W stored in×out, exported as MatMul + Add on the parameter itself."""

    def __init__(self, in_features, out_features):
        super().__init__()
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(in_features, out_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, x):
        return torch.matmul(x, self.weight) + self.bias


class Attention(nn.Module):
    """Multi-head self-attention from explicit matmuls: softmax(Q·Kᵀ/√d)·V, heads merged, projected."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.qkv = Dense(dim, 3 * dim)
        self.proj = Dense(dim, dim)

    def forward(self, x):
        tokens, dim = x.shape[1], x.shape[2]
        qkv = self.qkv(x).reshape(-1, tokens, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
        mixed = torch.matmul(torch.softmax(scores, dim=-1), v)
        return self.proj(mixed.transpose(1, 2).reshape(-1, tokens, dim))


class EncoderBlock(nn.Module):
    """Pre-norm transformer block: x + Attention(LN(x)), then x + MLP(LN(x)) with a GELU MLP."""

    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = Dense(dim, hidden)
        self.fc2 = Dense(hidden, dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(nn.functional.gelu(self.fc1(self.norm2(x))))


class ViT(nn.Module):
    """Small vision transformer: strided-conv patch embedding, class token, learned positions, two blocks."""

    def __init__(self, image_size, classes=10, dim=64, heads=4, hidden=128, depth=2):
        super().__init__()
        patch = 4 if image_size >= 16 else 2
        tokens = (image_size // patch) ** 2
        self.patch_embed = nn.Conv2d(1, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, tokens + 1, dim) * 0.02)
        self.blocks = nn.Sequential(*[EncoderBlock(dim, heads, hidden) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        patches = self.patch_embed(x).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(patches.shape[0], -1, -1)
        x = torch.cat([cls, patches], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


ARCHITECTURES = {"resnet": ResNet, "mobilenet": MobileNet, "vit": ViT}
IMAGE_SIZES = {"mnist": 28, "digits": 8}


def build(architecture, dataset):
    """Returns a freshly initialised model of the named architecture for the named dataset."""
    return ARCHITECTURES[architecture](IMAGE_SIZES[dataset])
