"""Plate images for the simulated camera: small, valid baseline JPEGs, made without Pillow.

Every image is a uniform grey 64x16 picture (the shape of a plate crop). A comment segment
(COM) carries the plate text, car id and packet counter, so that images of different reads
differ and a test can tell which read an image belongs to.

The entropy-coded data is as small as JPEG allows: one Huffman table per class with a single
one-bit code, for "DC difference 0" and "end of block", so each 8x8 block costs two bits.
"""

from __future__ import annotations

import struct

WIDTH = 64
HEIGHT = 16

_SOI = b"\xff\xd8"
_EOI = b"\xff\xd9"


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _huffman_table(table_class: int, symbol: int) -> bytes:
    # One code of length 1 ("0") for the one symbol the image needs.
    counts = bytes([1] + [0] * 15)
    return bytes([table_class << 4]) + counts + bytes([symbol])


def _entropy_data(blocks: int) -> bytes:
    bits = blocks * 2  # each block: DC code "0" (difference 0), AC code "0" (end of block)
    padding = -bits % 8
    # All-zero bytes, then a last byte padded with one bits as the standard asks; a byte of
    # 0xFF never occurs, so no stuffing is needed.
    whole, rest = divmod(bits, 8)
    data = bytes(whole)
    if rest:
        data += bytes([(1 << padding) - 1])
    return data


_JFIF = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")


def _header(width: int, height: int) -> bytes:
    quantisation = _segment(0xDB, b"\x00" + bytes([1] * 64))
    frame = _segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    tables = _segment(0xC4, _huffman_table(0, 0) + _huffman_table(1, 0))
    return quantisation + frame + tables


_BLOCKS = (WIDTH // 8) * (HEIGHT // 8)
_BODY = (
    _header(WIDTH, HEIGHT)
    + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    + _entropy_data(_BLOCKS)
    + _EOI
)


def plate_jpeg(comment: str) -> bytes:
    """A JPEG whose comment segment says ``comment`` (UTF-8, cut to what a segment holds)."""
    text = comment.encode("utf-8")[:65000]
    # JFIF wants its APP0 segment first; the comment follows it.
    return _SOI + _JFIF + _segment(0xFE, text) + _BODY


def segments(image: bytes) -> list[tuple[int, bytes]]:
    """``(marker, payload)`` of each header segment up to the scan; ``ValueError`` if broken."""
    if not image.startswith(_SOI):
        raise ValueError("not a JPEG: no start-of-image marker")
    found: list[tuple[int, bytes]] = []
    offset = 2
    while True:
        if offset + 4 > len(image) or image[offset] != 0xFF:
            raise ValueError(f"no segment marker at byte {offset}")
        marker = image[offset + 1]
        (length,) = struct.unpack(">H", image[offset + 2 : offset + 4])
        payload = image[offset + 4 : offset + 2 + length]
        if length < 2 or len(payload) != length - 2:
            raise ValueError(f"segment 0x{marker:02X} at byte {offset} is cut short")
        found.append((marker, payload))
        offset += 2 + length
        if marker == 0xDA:
            if not image.endswith(_EOI):
                raise ValueError("no end-of-image marker")
            return found


def jpeg_comment(image: bytes) -> str | None:
    """The comment of an image :func:`plate_jpeg` made, for tests and the event log."""
    try:
        found = segments(image)
    except ValueError:
        return None
    for marker, payload in found:
        if marker == 0xFE:
            return payload.decode("utf-8", errors="replace")
    return None
