"""A Wiegand frame: a bit count and the bits, in transmission order.

Bit 1 is sent first and is the most significant bit of :attr:`WiegandFrame.value`, so
``WiegandFrame.from_text("1000...")`` and ``value`` read the same way. Two byte forms exist
in the wild and both are here, because they differ for every length that is not a multiple
of 8:

- Axis ``Card`` IdData (and ``CardNrHex``): the bits as one number, **right-aligned**, as
  lower-case hex left-padded to whole bytes. 26 bits ``1 0000 0000 0010 0111 1110 0101 1``
  are ``02004fcb`` (vapix-wire-formats §8.5).
- OSDP RAW card data (reply 0x50): the bits **left-aligned**, MSB first, the last byte
  padded with zeros: the same 26 bits are ``80 13 f2 c0``.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass

from axisctl.drivers.wiegand.errors import WiegandBitsError, WiegandRangeError

__all__ = ["WiegandFrame"]

#: Characters allowed between bits in text: people write ``1 0000 0000 ...`` or ``1_0000``.
_SEPARATORS = frozenset(" _\t")


def _byte_count(bit_count: int) -> int:
    return (bit_count + 7) // 8


@dataclass(frozen=True)
class WiegandFrame:
    """``bit_count`` bits; ``value`` holds them with bit 1 (sent first) as the MSB."""

    value: int
    bit_count: int

    def __post_init__(self) -> None:
        if self.bit_count < 1:
            raise WiegandRangeError(
                f"a frame needs at least 1 bit, got {self.bit_count}",
                field="bit_count",
                minimum=1,
                maximum=2**16 - 1,
            )
        if not 0 <= self.value < 1 << self.bit_count:
            raise WiegandRangeError(
                f"value does not fit in {self.bit_count} bits",
                field="value",
                minimum=0,
                maximum=(1 << self.bit_count) - 1,
            )

    # --- text -------------------------------------------------------------------------

    @classmethod
    def from_text(cls, text: str) -> WiegandFrame:
        """Read ``"0101..."``; spaces, tabs and ``_`` between bits are ignored."""
        digits: list[str] = []
        for position, char in enumerate(text, start=1):
            if char in "01":
                digits.append(char)
            elif char not in _SEPARATORS:
                raise WiegandBitsError(
                    f"not a bit string: character {char!r} at position {position} "
                    "(expected 0, 1, spaces or _)"
                )
        if not digits:
            raise WiegandBitsError("not a bit string: no bits (expected 0s and 1s)")
        return cls(int("".join(digits), 2), len(digits))

    def to_text(self, group: int = 0) -> str:
        """The bits as ``"0101..."``; ``group=4`` puts a space after every 4 bits."""
        text = format(self.value, f"0{self.bit_count}b")
        if group <= 0:
            return text
        return " ".join(text[i : i + group] for i in range(0, len(text), group))

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"WiegandFrame.from_text({self.to_text()!r})"

    # --- Axis right-aligned hex -----------------------------------------------------------

    @classmethod
    def from_axis_hex(cls, text: str, bit_count: int) -> WiegandFrame:
        """Read Axis ``Card`` hex (right-aligned, e.g. ``02004fcb`` with ``bit_count=26``)."""
        digits = text.strip().lower().removeprefix("0x")
        if not digits or any(c not in string.hexdigits for c in digits):
            raise WiegandBitsError(f"not hex card data: {text!r} (expected hex digits)")
        value = int(digits, 16)
        if bit_count >= 1 and value >> bit_count:
            raise WiegandBitsError(
                f"hex card data {text!r} has bits set above bit count {bit_count}"
            )
        return cls(value, bit_count)

    def to_axis_hex(self) -> str:
        """Axis ``Card`` hex: right-aligned, lower case, left-padded to whole bytes."""
        return format(self.value, f"0{_byte_count(self.bit_count) * 2}x")

    # --- OSDP left-aligned bytes ----------------------------------------------------------

    @classmethod
    def from_osdp_bytes(cls, data: bytes, bit_count: int) -> WiegandFrame:
        """Read OSDP RAW card data: left-aligned, ``ceil(bit_count / 8)`` bytes.

        The padding bits after the last data bit are ignored: the OSDP reply carries the
        bit count, so they are not data whatever a reader puts there.
        """
        if bit_count < 1:
            raise WiegandRangeError(
                f"OSDP card data needs a bit count of at least 1, got {bit_count}",
                field="bit_count",
                minimum=1,
                maximum=2**16 - 1,
            )
        expected = _byte_count(bit_count)
        if len(data) != expected:
            raise WiegandBitsError(
                f"OSDP card data of {bit_count} bits needs {expected} bytes, got {len(data)}"
            )
        padding = expected * 8 - bit_count
        return cls(int.from_bytes(data, "big") >> padding, bit_count)

    def to_osdp_bytes(self) -> bytes:
        """OSDP RAW card data: the bits left-aligned, MSB first, zero-padded to a byte."""
        padding = _byte_count(self.bit_count) * 8 - self.bit_count
        return (self.value << padding).to_bytes(_byte_count(self.bit_count), "big")

    # --- bit access (1-based, as the format tables number them) ---------------------------

    def __len__(self) -> int:
        return self.bit_count

    def __iter__(self) -> Iterator[int]:
        """The bits in transmission order, as 0 and 1."""
        for shift in range(self.bit_count - 1, -1, -1):
            yield (self.value >> shift) & 1

    def bit(self, position: int) -> int:
        """Bit ``position`` (1 = first sent)."""
        return self.field(position, position)

    def field(self, first: int, last: int) -> int:
        """Bits ``first``..``last`` (1-based, inclusive) as a number, ``first`` the MSB."""
        if not 1 <= first <= last <= self.bit_count:
            raise IndexError(f"bits {first}-{last} are not within 1-{self.bit_count}")
        width = last - first + 1
        return (self.value >> (self.bit_count - last)) & ((1 << width) - 1)

    def ones(self, first: int, last: int) -> int:
        """How many of bits ``first``..``last`` (1-based, inclusive) are 1."""
        return bin(self.field(first, last)).count("1")
