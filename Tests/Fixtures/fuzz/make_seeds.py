"""Writes the hand-made inputs of the fuzz corpus (README.md): two tiny ONNX models as seeds,
and the fuzzer's ONNX findings rebuilt as the smallest inputs that show them.

The protobuf is spelled out field by field (numbers from onnx.proto), so nothing needs the
onnx package: a MatMul with its weight inline, and the same weight as external data.
"""
import struct


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number, payload):
    """A length-delimited field (wire type 2)."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def number(field_number, value):
    """A varint field (wire type 0)."""
    return varint(field_number << 3) + varint(value)


def value_info(name, dims, element_type=1):
    shape = b"".join(field(1, number(1, d)) for d in dims)
    tensor_type = number(1, element_type) + field(2, shape)
    return field(1, name.encode()) + field(2, field(1, tensor_type))


def model(initializer, attribute=b"", input_type=1):
    node = field(1, b"x") + field(1, b"w") + field(2, b"y") + field(4, b"MatMul") + attribute
    graph = (field(1, node) + field(2, b"seed") + field(5, initializer)
             + field(11, value_info("x", [1, 2], input_type)) + field(12, value_info("y", [1, 2])))
    return number(1, 8) + field(8, number(2, 13)) + field(7, graph)


weights = struct.pack("<4f", 0.5, -0.25, 1e-3, float("nan"))
header = number(1, 2) + number(1, 2) + number(2, 1) + field(8, b"w")
with open("seeds/matmul.onnx", "wb") as out:
    out.write(model(header + field(9, weights)))
external = field(13, field(1, b"location") + field(2, b"w.bin")) + field(13, field(1, b"length") + field(2, b"16"))
with open("seeds/matmul-external.onnx", "wb") as out:
    out.write(model(header + external + number(14, 1)))

# Enum fields (data_type, elem_type, AttributeProto.type) are int32 on the wire, sign-extended to
# ten bytes when negative; a varint of 2^63 once trapped converting to Int (fuzz finding, 12-04).
huge = 1 << 63
with open("findings/onnx-initializer-data-type-2e63.onnx", "wb") as out:
    out.write(model(number(1, 2) + number(1, 2) + number(2, huge) + field(8, b"w") + field(9, weights)))
with open("findings/onnx-elem-type-2e63.onnx", "wb") as out:
    out.write(model(header + field(9, weights), input_type=huge))
with open("findings/onnx-attribute-type-2e63.onnx", "wb") as out:
    out.write(model(header + field(9, weights), attribute=field(5, field(1, b"alpha") + number(20, huge))))
