"""Command payloads (CP to PD): one frozen dataclass per payload layout.

Each has ``encode() -> bytes`` (the data after the command code) and a ``decode(data)``
classmethod raising :class:`~axisctl.drivers.osdp.errors.MessageError` naming the field.
LED, BUZ and TEXT live in :mod:`.reader_commands` and are re-exported here.
OUT, LED and BUZ carry one or more fixed-size records: the classes here are one record and
``decode_many`` reads a whole payload; ``encode_records`` joins several. Times are in the
protocol's units, named in each field's comment (mostly 100 ms).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, TypeVar

from ._fields import Cursor, check_int, check_length, check_u8, check_u16, coerce, decoding
from .codes import Command, KeyType, OutputControl
from .reader_commands import BuzzerCommand, LedCommand, TextCommand

__all__ = [
    "BuzzerCommand",
    "CapabilitiesRequest",
    "Challenge",
    "ComSet",
    "IdRequest",
    "KeySet",
    "LedCommand",
    "OutputCommand",
    "ServerCryptogram",
    "TextCommand",
    "encode_records",
]


class _Record(Protocol):
    def encode(self) -> bytes: ...


def encode_records(records: Iterable[_Record]) -> bytes:
    """The payload of an OUT, LED or BUZ command carrying several records."""
    return b"".join(record.encode() for record in records)


_Request = TypeVar("_Request", bound="_ReportRequest")


@dataclass(frozen=True)
class _ReportRequest:
    """A request for a report; ``reply_type`` 0 is the standard one."""

    CODE: ClassVar[Command]
    reply_type: int = 0

    def __post_init__(self) -> None:
        check_u8("reply_type", self.reply_type)

    def encode(self) -> bytes:
        return bytes((self.reply_type,))

    @classmethod
    def decode(cls: type[_Request], data: bytes) -> _Request:
        # Tolerate a missing byte: it can only mean the standard report.
        cursor = Cursor(data, f"{cls.CODE.name} command", cls.CODE)
        reply_type = cursor.u8("reply_type") if data else 0
        cursor.end()
        return cls(reply_type)


@dataclass(frozen=True)
class IdRequest(_ReportRequest):
    """ID: asks for the PDID report. ``reply_type`` 0 is the standard report."""

    CODE: ClassVar[Command] = Command.ID


@dataclass(frozen=True)
class CapabilitiesRequest(_ReportRequest):
    """CAP: asks for the PDCAP report. ``reply_type`` 0 is the standard report."""

    CODE: ClassVar[Command] = Command.CAP


@dataclass(frozen=True)
class OutputCommand:
    """One OUT record: drive output ``output`` as ``control`` says.

    ``timer`` (100 ms units) applies to the temporary controls.
    """

    CODE: ClassVar[Command] = Command.OUT
    SIZE: ClassVar[int] = 4
    output: int
    control: OutputControl
    timer: int = 0

    def __post_init__(self) -> None:
        check_u8("output", self.output)
        coerce(self, "control", OutputControl)
        check_u16("timer", self.timer)

    def encode(self) -> bytes:
        return bytes((self.output, self.control)) + self.timer.to_bytes(2, "little")

    @classmethod
    def _read(cls, cursor: Cursor) -> OutputCommand:
        return cls(cursor.u8("output"), cursor.enum("control", OutputControl), cursor.u16("timer"))

    @classmethod
    def decode(cls, data: bytes) -> OutputCommand:
        cursor = Cursor(data, "OUT command", cls.CODE)
        record = cls._read(cursor)
        cursor.end()
        return record

    @classmethod
    def decode_many(cls, data: bytes) -> tuple[OutputCommand, ...]:
        cursor = Cursor(data, "OUT command", cls.CODE)
        return tuple(cls._read(cursor) for _ in range(cursor.records(cls.SIZE)))


@dataclass(frozen=True)
class ComSet:
    """COMSET: move the PD to a new address (0..0x7E) and baud rate.

    The PD answers (COM) with the old settings still active, then switches.
    """

    CODE: ClassVar[Command] = Command.COMSET
    address: int
    baud_rate: int

    def __post_init__(self) -> None:
        check_int("address", self.address, 0, 0x7E)
        check_int("baud_rate", self.baud_rate, 1, 0xFFFFFFFF)

    def encode(self) -> bytes:
        return bytes((self.address,)) + self.baud_rate.to_bytes(4, "little")

    @classmethod
    def decode(cls, data: bytes) -> ComSet:
        cursor = Cursor(data, "COMSET command", cls.CODE)
        address, baud_rate = cursor.u8("address"), cursor.u32("baud_rate")
        cursor.end()
        with decoding("COMSET command", cls.CODE):
            return cls(address, baud_rate)


@dataclass(frozen=True)
class KeySet:
    """KEYSET: install a new secure channel base key (SCBK); only accepted under SC.

    The key never appears in ``repr``.
    """

    CODE: ClassVar[Command] = Command.KEYSET
    key: bytes = field(repr=False)
    key_type: KeyType = KeyType.SCBK

    def __post_init__(self) -> None:
        coerce(self, "key_type", KeyType)
        check_length("key", self.key, 16)

    def encode(self) -> bytes:
        return bytes((self.key_type, len(self.key))) + self.key

    @classmethod
    def decode(cls, data: bytes) -> KeySet:
        cursor = Cursor(data, "KEYSET command", cls.CODE)
        key_type = cursor.enum("key_type", KeyType)
        length = cursor.u8("key_length")
        if length != 16:
            raise cursor.error("key_length", f"expected 16, got {length}")
        key = cursor.take("key", length)
        cursor.end()
        return cls(key, key_type)


@dataclass(frozen=True)
class Challenge:
    """CHLNG: the CP's 8 random bytes RND.A that open a secure channel handshake."""

    CODE: ClassVar[Command] = Command.CHLNG
    rnd_a: bytes

    def __post_init__(self) -> None:
        check_length("rnd_a", self.rnd_a, 8)

    def encode(self) -> bytes:
        return self.rnd_a

    @classmethod
    def decode(cls, data: bytes) -> Challenge:
        cursor = Cursor(data, "CHLNG command", cls.CODE)
        rnd_a = cursor.take("rnd_a", 8)
        cursor.end()
        return cls(rnd_a)


@dataclass(frozen=True)
class ServerCryptogram:
    """SCRYPT: the CP's 16-byte cryptogram proving it holds the same key."""

    CODE: ClassVar[Command] = Command.SCRYPT
    cryptogram: bytes

    def __post_init__(self) -> None:
        check_length("cryptogram", self.cryptogram, 16)

    def encode(self) -> bytes:
        return self.cryptogram

    @classmethod
    def decode(cls, data: bytes) -> ServerCryptogram:
        cursor = Cursor(data, "SCRYPT command", cls.CODE)
        cryptogram = cursor.take("cryptogram", 16)
        cursor.end()
        return cls(cryptogram)
