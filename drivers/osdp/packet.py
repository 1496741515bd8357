"""OSDP packets as values: the fields of one frame, and its check characters.

:mod:`.frame` turns these into bytes and back; see there for the wire layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from axisctl.errors import InvalidSettingValueError

__all__ = [
    "BROADCAST",
    "MARK",
    "REPLY_FLAG",
    "SOM",
    "Packet",
    "SecurityBlock",
    "checksum",
    "crc16",
]

SOM = 0x53
MARK = 0xFF
BROADCAST = 0x7F
REPLY_FLAG = 0x80

_MAC_LENGTH = 4
#: SCS_15 to SCS_18 carry a MAC after the data.
_MAC_TYPES = frozenset(range(0x15, 0x19))


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    """CRC-16/AUG-CCITT as OSDP uses it: poly 0x1021, init 0x1D0F, no reflection.

    ``crc16(b"123456789") == 0xE5CC``. On the wire the low byte goes first.
    """
    crc = 0x1D0F
    table = _CRC_TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFF00) ^ table[(crc >> 8) ^ byte]
    return crc


def checksum(data: bytes) -> int:
    """The 8-bit check character: the two's complement of the byte sum."""
    return -sum(data) & 0xFF


def _require_range(field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidSettingValueError(
            f"{field} must be in {low:#x}..{high:#x}, got {value!r}", field=field, value=value
        )


@dataclass(frozen=True)
class SecurityBlock:
    """The security control block: its type (SCS_11 to SCS_18) and its data bytes.

    The length byte on the wire is ``2 + len(data)`` and is not stored.
    """

    type: int
    data: bytes = b""

    def __post_init__(self) -> None:
        _require_range("security.type", self.type, 0, 0xFF)
        if len(self.data) > 0xFF - 2:
            raise InvalidSettingValueError(
                f"security.data holds at most 253 bytes, got {len(self.data)}",
                field="security.data",
            )

    @property
    def has_mac(self) -> bool:
        """Whether a packet with this block carries a 4-byte MAC (SCS_15 to SCS_18)."""
        return self.type in _MAC_TYPES


@dataclass(frozen=True)
class Packet:
    """One OSDP packet, independent of its byte encoding.

    ``data`` is the payload after the command or reply code; whether it is plain or still
    encrypted depends on which side of :class:`~axisctl.drivers.osdp.secure.SecureChannel`
    the packet is.
    """

    address: int
    reply: bool
    sequence: int
    code: int
    data: bytes = b""
    use_crc: bool = True
    security: SecurityBlock | None = None
    mac: bytes | None = None

    def __post_init__(self) -> None:
        _require_range("address", self.address, 0, BROADCAST)
        _require_range("sequence", self.sequence, 0, 3)
        _require_range("code", self.code, 0, 0xFF)
        if self.mac is not None:
            if len(self.mac) != _MAC_LENGTH:
                raise InvalidSettingValueError(
                    f"mac must be 4 bytes, got {len(self.mac)}", field="mac"
                )
            if self.security is None or not self.security.has_mac:
                raise InvalidSettingValueError(
                    "mac needs a security block of type SCS_15 to SCS_18", field="mac"
                )

    @property
    def wire_address(self) -> int:
        """The ADDR byte: the address with bit 7 set on replies."""
        return self.address | REPLY_FLAG if self.reply else self.address
