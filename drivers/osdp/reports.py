"""Reports a PD sends (PD to CP): status replies, card reads and key presses.

Same conventions as :mod:`.replies`, which re-exports these classes. A PD sends these in
answer to the matching status command, or unsolicited in answer to a POLL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from axisctl.errors import InvalidSettingValueError

from ._fields import Cursor, check_int, check_length, check_u8, check_u16, coerce
from .codes import CardFormat, ReaderState, Reply

__all__ = [
    "InputStatus",
    "KeypadData",
    "LocalStatus",
    "OutputStatus",
    "RawCardData",
    "ReaderStatus",
]


def _flag(cursor: Cursor, field: str) -> bool:
    value = cursor.u8(field)
    if value > 1:
        raise cursor.error(field, f"expected 0 or 1, got {value}")
    return bool(value)


@dataclass(frozen=True)
class LocalStatus:
    """LSTATR: the PD's own tamper and power state."""

    CODE: ClassVar[Reply] = Reply.LSTATR
    tamper: bool = False
    power_failure: bool = False

    def encode(self) -> bytes:
        return bytes((self.tamper, self.power_failure))

    @classmethod
    def decode(cls, data: bytes) -> LocalStatus:
        cursor = Cursor(data, "LSTATR reply", cls.CODE)
        status = cls(_flag(cursor, "tamper"), _flag(cursor, "power_failure"))
        cursor.end()
        return status


@dataclass(frozen=True)
class InputStatus:
    """ISTATR: one entry per input, True when active."""

    CODE: ClassVar[Reply] = Reply.ISTATR
    inputs: tuple[bool, ...]

    def encode(self) -> bytes:
        return bytes(bool(active) for active in self.inputs)

    @classmethod
    def decode(cls, data: bytes) -> InputStatus:
        cursor = Cursor(data, "ISTATR reply", cls.CODE)
        return cls(tuple(_flag(cursor, f"inputs[{i}]") for i in range(len(data))))


@dataclass(frozen=True)
class OutputStatus:
    """OSTATR: one entry per output, True when active."""

    CODE: ClassVar[Reply] = Reply.OSTATR
    outputs: tuple[bool, ...]

    def encode(self) -> bytes:
        return bytes(bool(active) for active in self.outputs)

    @classmethod
    def decode(cls, data: bytes) -> OutputStatus:
        cursor = Cursor(data, "OSTATR reply", cls.CODE)
        return cls(tuple(_flag(cursor, f"outputs[{i}]") for i in range(len(data))))


@dataclass(frozen=True)
class ReaderStatus:
    """RSTATR: the state of each attached reader."""

    CODE: ClassVar[Reply] = Reply.RSTATR
    readers: tuple[ReaderState, ...]

    def __post_init__(self) -> None:
        for index, state in enumerate(self.readers):
            check_int(f"readers[{index}]", state, 0, max(ReaderState))
        object.__setattr__(self, "readers", tuple(ReaderState(s) for s in self.readers))

    def encode(self) -> bytes:
        return bytes(self.readers)

    @classmethod
    def decode(cls, data: bytes) -> ReaderStatus:
        cursor = Cursor(data, "RSTATR reply", cls.CODE)
        return cls(tuple(cursor.enum(f"readers[{i}]", ReaderState) for i in range(len(data))))


@dataclass(frozen=True)
class RawCardData:
    """RAW: a card read as ``bit_count`` bits, MSB first, left-aligned in ``data``.

    For Wiegand (``format`` WIEGAND) the bits are the whole frame including parity.
    """

    CODE: ClassVar[Reply] = Reply.RAW
    reader: int
    format: CardFormat
    bit_count: int
    data: bytes

    def __post_init__(self) -> None:
        check_u8("reader", self.reader)
        coerce(self, "format", CardFormat)
        check_u16("bit_count", self.bit_count)
        check_length("data", self.data, (self.bit_count + 7) // 8)

    @classmethod
    def from_bits(
        cls, bits: str, *, reader: int = 0, format: CardFormat = CardFormat.WIEGAND
    ) -> RawCardData:
        """From a string of ``0``/``1`` characters, first transmitted bit first."""
        if not bits or set(bits) - {"0", "1"}:
            raise InvalidSettingValueError(
                "bits: expected a non-empty string of 0 and 1", field="bits"
            )
        padded = bits + "0" * (-len(bits) % 8)
        return cls(reader, format, len(bits), int(padded, 2).to_bytes(len(padded) // 8, "big"))

    @property
    def bits(self) -> str:
        """The card bits as ``0``/``1`` characters, padding removed."""
        if not self.bit_count:
            return ""
        return format(int.from_bytes(self.data, "big"), f"0{len(self.data) * 8}b")[: self.bit_count]

    def encode(self) -> bytes:
        return bytes((self.reader, self.format)) + self.bit_count.to_bytes(2, "little") + self.data

    @classmethod
    def decode(cls, data: bytes) -> RawCardData:
        cursor = Cursor(data, "RAW reply", cls.CODE)
        reader = cursor.u8("reader")
        card_format = cursor.enum("format", CardFormat)
        bit_count = cursor.u16("bit_count")
        payload = cursor.take("data", (bit_count + 7) // 8)
        cursor.end()
        return cls(reader, card_format, bit_count, payload)


#: OSDP key codes that are not their own ASCII character.
_KEY_TO_BYTE = {"*": 0x7F, "#": 0x0D}
_BYTE_TO_KEY = {0x7F: "*", 0x0D: "#", 0x2A: "*", 0x23: "#"}
_PLAIN_KEYS = frozenset("0123456789ABCDEFGH")


@dataclass(frozen=True)
class KeypadData:
    """KEYPAD: keys pressed on a reader, as ``0``-``9``, ``*``, ``#`` and ``A``-``H``.

    On the wire ``*`` is 0x7F and ``#`` is 0x0D; function keys F1-F4 are ``A``-``D`` and
    the combinations ``E``-``H``. Decoding also accepts the ASCII ``*``/``#`` some readers
    send.
    """

    CODE: ClassVar[Reply] = Reply.KEYPAD
    reader: int
    digits: str

    def __post_init__(self) -> None:
        check_u8("reader", self.reader)
        bad = set(self.digits) - _PLAIN_KEYS - _KEY_TO_BYTE.keys()
        if bad:
            raise InvalidSettingValueError(
                f"digits: unexpected keys {''.join(sorted(bad))!r}; use 0-9, *, #, A-H",
                field="digits",
            )
        check_u8("digit count", len(self.digits))

    def encode(self) -> bytes:
        keys = bytes(_KEY_TO_BYTE.get(key, ord(key)) for key in self.digits)
        return bytes((self.reader, len(keys))) + keys

    @classmethod
    def decode(cls, data: bytes) -> KeypadData:
        cursor = Cursor(data, "KEYPAD reply", cls.CODE)
        reader = cursor.u8("reader")
        keys = cursor.take("digits", cursor.u8("digit count"))
        cursor.end()
        digits = []
        for index, byte in enumerate(keys):
            key = _BYTE_TO_KEY.get(byte, chr(byte))
            if key not in _PLAIN_KEYS and key not in _KEY_TO_BYTE:
                raise cursor.error(f"digits[{index}]", f"unknown key code {byte:#04x}")
            digits.append(key)
        return cls(reader, "".join(digits))
