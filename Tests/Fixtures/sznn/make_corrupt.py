#!/usr/bin/env python3
"""Derives the corrupt golden files from model-zstd-abs.sznn (python3 only).

Each file breaks one thing and re-seals every CRC that would otherwise catch it first, so the
reader reaches the check under test. README.md lists the error code each must produce.
Run from anywhere: `python3 Tests/Fixtures/sznn/make_corrupt.py`.
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "model-zstd-abs.sznn"), "rb") as handle:
    valid = handle.read()


def write(name, blob):
    with open(os.path.join(HERE, name), "wb") as handle:
        handle.write(blob)


def first_record(blob):
    """(start, header_length) of the first record (FORMAT.md §3-§4)."""
    (json_length,) = struct.unpack_from("<I", blob, 16)
    start = 16 + 4 + json_length + 4
    (header_length,) = struct.unpack_from("<I", blob, start)
    return start, header_length


def reseal_file_header(blob):
    return blob[:12] + struct.pack("<I", zlib.crc32(bytes(blob[:12]))) + blob[16:]


start, header_length = first_record(valid)
fields = start + 4
(name_length,) = struct.unpack_from("<H", valid, fields)
rank = valid[fields + 2 + name_length + 1]
storage_offset = fields + 2 + name_length + 2 + 8 * rank
(payload_length,) = struct.unpack_from("<Q", valid, fields + header_length - 12)
payload_start = fields + header_length + 4

# The file ends in the middle of the last record's payload.
write("truncated.sznn", valid[:-10])

# One bit flipped in the middle of the first record's payload.
flipped = bytearray(valid)
flipped[payload_start + payload_length // 2] ^= 0x10
write("bitflip.sznn", bytes(flipped))

# "SZNM" instead of "SZNN".
write("badmagic.sznn", b"SZNM" + valid[4:])

# Version 2, header CRC re-sealed.
write("version2.sznn", reseal_file_header(valid[:4] + struct.pack("<H", 2) + valid[6:]))
# Version 3 without the base flag (version 3 exists only for updates with a base block).
write("version3.sznn", reseal_file_header(valid[:4] + struct.pack("<H", 3) + valid[6:]))
# Version 4, which no reader knows yet.
write("version4.sznn", reseal_file_header(valid[:4] + struct.pack("<H", 4) + valid[6:]))

# One byte after the last record.
write("trailing.sznn", valid + b"\x00")

# Backend id 9 in the first record, its header CRC re-sealed.
unknown = bytearray(valid)
unknown[storage_offset + 1] = 9
struct.pack_into("<I", unknown, fields + header_length, zlib.crc32(bytes(unknown[fields:fields + header_length])))
write("unknown-backend.sznn", bytes(unknown))
