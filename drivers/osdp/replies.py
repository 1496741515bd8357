"""Reply payloads (PD to CP): one frozen dataclass per payload layout.

Each has ``encode() -> bytes`` (the data after the reply code) and a ``decode(data)``
classmethod raising :class:`~axisctl.drivers.osdp.errors.MessageError` naming the field.
Status reports, card reads and key presses live in :mod:`.reports` and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from axisctl.errors import InvalidSettingValueError

from ._fields import Cursor, check_int, check_length, check_u8, coerce, decoding
from .codes import CapabilityFunction, NakReason, Reply
from .reports import (
    InputStatus,
    KeypadData,
    LocalStatus,
    OutputStatus,
    RawCardData,
    ReaderStatus,
)

__all__ = [
    "Busy",
    "ClientCryptogram",
    "ComSettings",
    "InitialRmac",
    "InputStatus",
    "KeypadData",
    "LocalStatus",
    "Nak",
    "OutputStatus",
    "PdCapabilities",
    "PdCapability",
    "PdId",
    "RawCardData",
    "ReaderStatus",
]


@dataclass(frozen=True)
class Nak:
    """NAK: the PD refuses the command for ``reason``; some PDs add ``detail`` bytes."""

    CODE: ClassVar[Reply] = Reply.NAK
    reason: NakReason
    detail: bytes = b""

    def __post_init__(self) -> None:
        coerce(self, "reason", NakReason)

    def encode(self) -> bytes:
        return bytes((self.reason,)) + self.detail

    @classmethod
    def decode(cls, data: bytes) -> Nak:
        cursor = Cursor(data, "NAK reply", cls.CODE)
        reason = cursor.enum("reason", NakReason)
        return cls(reason, cursor.rest())


@dataclass(frozen=True)
class PdId:
    """PDID: who the PD is. ``firmware`` is (major, minor, build)."""

    CODE: ClassVar[Reply] = Reply.PDID
    vendor_code: int
    model: int
    version: int
    serial_number: int
    firmware: tuple[int, int, int] = (0, 0, 0)

    def __post_init__(self) -> None:
        check_int("vendor_code", self.vendor_code, 0, 0xFFFFFF)
        check_u8("model", self.model)
        check_u8("version", self.version)
        check_int("serial_number", self.serial_number, 0, 0xFFFFFFFF)
        if not isinstance(self.firmware, tuple) or len(self.firmware) != 3:
            raise InvalidSettingValueError(
                "firmware: expected (major, minor, build)", field="firmware"
            )
        for name, part in zip(("major", "minor", "build"), self.firmware, strict=True):
            check_u8(f"firmware.{name}", part)

    @property
    def firmware_version(self) -> str:
        return ".".join(str(part) for part in self.firmware)

    def encode(self) -> bytes:
        return (
            self.vendor_code.to_bytes(3, "little")
            + bytes((self.model, self.version))
            + self.serial_number.to_bytes(4, "little")
            # Firmware goes major first, unlike every other multi-byte field.
            + bytes(self.firmware)
        )

    @classmethod
    def decode(cls, data: bytes) -> PdId:
        cursor = Cursor(data, "PDID reply", cls.CODE)
        vendor_code = cursor.u24("vendor_code")
        model, version = cursor.u8("model"), cursor.u8("version")
        serial_number = cursor.u32("serial_number")
        major, minor, build = cursor.take("firmware", 3)
        cursor.end()
        return cls(vendor_code, model, version, serial_number, (major, minor, build))


class PdCapability(NamedTuple):
    """One PDCAP entry: a function code, its compliance level and how many items it has."""

    function: int
    compliance: int
    item_count: int


@dataclass(frozen=True)
class PdCapabilities:
    """PDCAP: what the PD can do. Unknown function codes are kept as plain ints."""

    CODE: ClassVar[Reply] = Reply.PDCAP
    capabilities: tuple[PdCapability, ...]

    def __post_init__(self) -> None:
        entries = tuple(PdCapability(*entry) for entry in self.capabilities)
        for index, (function, compliance, item_count) in enumerate(entries):
            check_u8(f"capabilities[{index}].function", function)
            check_u8(f"capabilities[{index}].compliance", compliance)
            check_u8(f"capabilities[{index}].item_count", item_count)
        object.__setattr__(self, "capabilities", entries)

    def get(self, function: int) -> PdCapability | None:
        """The first entry for ``function``, or None if the PD does not list it."""
        return next((entry for entry in self.capabilities if entry.function == function), None)

    @property
    def supports_crc(self) -> bool:
        """CRC-16 check bytes; assumed when the PD does not say (as libosdp does)."""
        entry = self.get(CapabilityFunction.CHECK_CHARACTER)
        return entry is None or bool(entry.compliance & 1)

    @property
    def supports_secure_channel(self) -> bool:
        entry = self.get(CapabilityFunction.COMMUNICATION_SECURITY)
        return entry is not None and bool(entry.compliance & 1)

    @property
    def receive_buffer_size(self) -> int | None:
        """The PD's receive buffer in bytes (compliance is the low byte, count the high)."""
        entry = self.get(CapabilityFunction.RECEIVE_BUFFER_SIZE)
        return None if entry is None else entry.compliance | entry.item_count << 8

    def encode(self) -> bytes:
        return b"".join(bytes(entry) for entry in self.capabilities)

    @classmethod
    def decode(cls, data: bytes) -> PdCapabilities:
        if len(data) % 3:
            raise Cursor(data, "PDCAP reply", cls.CODE).error(
                "length", f"expected a multiple of 3 bytes, got {len(data)}"
            )
        return cls(tuple(PdCapability(*data[i : i + 3]) for i in range(0, len(data), 3)))


@dataclass(frozen=True)
class ComSettings:
    """COM: the address and baud rate the PD uses after a COMSET."""

    CODE: ClassVar[Reply] = Reply.COM
    address: int
    baud_rate: int

    def __post_init__(self) -> None:
        check_int("address", self.address, 0, 0x7E)
        check_int("baud_rate", self.baud_rate, 1, 0xFFFFFFFF)

    def encode(self) -> bytes:
        return bytes((self.address,)) + self.baud_rate.to_bytes(4, "little")

    @classmethod
    def decode(cls, data: bytes) -> ComSettings:
        cursor = Cursor(data, "COM reply", cls.CODE)
        address, baud_rate = cursor.u8("address"), cursor.u32("baud_rate")
        cursor.end()
        with decoding("COM reply", cls.CODE):
            return cls(address, baud_rate)


@dataclass(frozen=True)
class ClientCryptogram:
    """CCRYPT: the PD's unique id, its random RND.B and its cryptogram over both randoms."""

    CODE: ClassVar[Reply] = Reply.CCRYPT
    client_uid: bytes
    rnd_b: bytes
    cryptogram: bytes

    def __post_init__(self) -> None:
        check_length("client_uid", self.client_uid, 8)
        check_length("rnd_b", self.rnd_b, 8)
        check_length("cryptogram", self.cryptogram, 16)

    def encode(self) -> bytes:
        return self.client_uid + self.rnd_b + self.cryptogram

    @classmethod
    def decode(cls, data: bytes) -> ClientCryptogram:
        cursor = Cursor(data, "CCRYPT reply", cls.CODE)
        parts = cursor.take("client_uid", 8), cursor.take("rnd_b", 8)
        cryptogram = cursor.take("cryptogram", 16)
        cursor.end()
        return cls(*parts, cryptogram)


@dataclass(frozen=True)
class InitialRmac:
    """RMAC_I: the first reply MAC, which seeds the MAC chain of the session."""

    CODE: ClassVar[Reply] = Reply.RMAC_I
    rmac: bytes

    def __post_init__(self) -> None:
        check_length("rmac", self.rmac, 16)

    def encode(self) -> bytes:
        return self.rmac

    @classmethod
    def decode(cls, data: bytes) -> InitialRmac:
        cursor = Cursor(data, "RMAC_I reply", cls.CODE)
        rmac = cursor.take("rmac", 16)
        cursor.end()
        return cls(rmac)


@dataclass(frozen=True)
class Busy:
    """BUSY: the PD cannot answer yet; send it with sequence 0, unsecured, and retry."""

    CODE: ClassVar[Reply] = Reply.BUSY

    def encode(self) -> bytes:
        return b""

    @classmethod
    def decode(cls, data: bytes) -> Busy:
        Cursor(data, "BUSY reply", cls.CODE).end()
        return cls()
