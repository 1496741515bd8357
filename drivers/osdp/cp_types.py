"""What a control panel is configured with, what it reports, and how its calls fail.

Shared by the sans-I/O core (:mod:`.cp`), the threaded and asyncio runners
(:mod:`.cp_runner`) and the libosdp backend (:mod:`.libosdp`), so that all three speak of
readers, events and errors in the same typed terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from axisctl.errors import (
    ConfigurationError,
    DeviceError,
    MalformedResponseError,
    TransportError,
)

from .frame import BROADCAST
from .messages import (
    CardFormat,
    InputStatus,
    LocalStatus,
    NakReason,
    OutputStatus,
    PdCapabilities,
    PdId,
    RawCardData,
    ReaderStatus,
)

__all__ = [
    "CardRead",
    "CpEvent",
    "CpTimings",
    "KeyInstalled",
    "KeyPress",
    "NakError",
    "PdConfig",
    "PdOffline",
    "PdOfflineError",
    "PdOnline",
    "StatusReport",
    "UnexpectedReplyError",
    "check_scbk",
    "parse_scbk",
]


def check_scbk(key: bytes, field_name: str = "scbk") -> bytes:
    """``key`` if it is 16 bytes, else a :class:`ConfigurationError` that does not show it."""
    if not isinstance(key, bytes) or len(key) != 16:
        size = f"{len(key)} bytes" if isinstance(key, bytes) else type(key).__name__
        raise ConfigurationError(f"{field_name}: an SCBK is 16 bytes (AES-128), got {size}")
    return key


def parse_scbk(text: str) -> bytes:
    """A key written as 32 hexadecimal digits (spaces and colons allowed) into bytes.

    The error message says what is wrong with the text without repeating it.
    """
    cleaned = "".join(text.split()).replace(":", "").replace("-", "")
    if len(cleaned) != 32:
        raise ConfigurationError(f"an SCBK is 32 hexadecimal digits, got {len(cleaned)}")
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        raise ConfigurationError("an SCBK is 32 hexadecimal digits: found a non-hex one") from None


@dataclass(frozen=True)
class PdConfig:
    """One reader on the bus, as the control panel should treat it.

    * ``scbk`` alone: the secure channel with this key is required; a reader that refuses
      it is not used (no silent fallback to plaintext).
    * ``install_mode`` alone: the secure channel with the well-known key SCBK-D.
    * both: try ``scbk``; if the reader still has SCBK-D, open the channel with that, send
      KEYSET with ``scbk`` and reopen the channel with it (commissioning a new reader).
    * neither: plaintext.

    ``use_crc`` False sends the 1-byte checksum instead of CRC-16 (old readers).
    """

    address: int
    scbk: bytes | None = field(default=None, repr=False)
    install_mode: bool = False
    use_crc: bool = True
    name: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.address, bool) or not 0 <= self.address < BROADCAST:
            raise ConfigurationError(f"address: expected 0..{BROADCAST - 1}, got {self.address!r}")
        if self.scbk is not None:
            check_scbk(self.scbk)

    @property
    def secure(self) -> bool:
        """Whether the control panel opens a secure channel to this reader."""
        return self.scbk is not None or self.install_mode

    @property
    def label(self) -> str:
        return self.name or f"PD {self.address}"


@dataclass(frozen=True)
class CpTimings:
    """Timings of the control panel, in seconds.

    ``reply_timeout`` runs from the end of a command on the wire (libosdp and the spec use
    200 ms); ``retries`` retransmissions of an unanswered command take an online reader
    offline; an offline reader is probed again every ``offline_retry``; an idle online reader
    is polled every ``poll_interval``; a reader that answers BUSY is asked again after
    ``busy_retry``. ``baud_rate`` sizes the wire time of frames.
    """

    reply_timeout: float = 0.2
    retries: int = 3
    poll_interval: float = 0.05
    offline_retry: float = 1.0
    busy_retry: float = 0.1
    baud_rate: int = 9600

    def __post_init__(self) -> None:
        for name in ("reply_timeout", "poll_interval", "offline_retry", "busy_retry"):
            if getattr(self, name) <= 0:
                raise ConfigurationError(f"{name} must be positive, got {getattr(self, name)}")
        if self.retries < 0:
            raise ConfigurationError(f"retries must be >= 0, got {self.retries}")
        if self.baud_rate <= 0:
            raise ConfigurationError(f"baud_rate must be positive, got {self.baud_rate}")


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRead:
    """A card presented to a reader: ``bit_count`` bits, left-aligned in ``data``."""

    address: int
    reader: int
    format: CardFormat
    bit_count: int
    data: bytes

    @classmethod
    def from_reply(cls, address: int, raw: RawCardData) -> CardRead:
        return cls(address, raw.reader, raw.format, raw.bit_count, raw.data)

    @property
    def bits(self) -> str:
        """The card's bits as ``0``/``1`` characters, first transmitted first."""
        return RawCardData(self.reader, self.format, self.bit_count, self.data).bits


@dataclass(frozen=True)
class KeyPress:
    """Keys pressed on a reader's keypad: ``0``-``9``, ``*``, ``#`` and ``A``-``H``."""

    address: int
    reader: int
    keys: str


@dataclass(frozen=True)
class StatusReport:
    """A status the reader reported unasked (in reply to a poll): tamper, inputs, ..."""

    address: int
    status: LocalStatus | InputStatus | OutputStatus | ReaderStatus


@dataclass(frozen=True)
class PdOnline:
    """The reader answered ID and CAP (and completed the secure channel, if configured)."""

    address: int
    secure: bool
    identity: PdId | None = None
    capabilities: PdCapabilities | None = None


@dataclass(frozen=True)
class PdOffline:
    """The reader stopped answering, or the secure channel could not be (re)established."""

    address: int
    reason: str


@dataclass(frozen=True)
class KeyInstalled:
    """The reader acknowledged KEYSET: it now uses the new SCBK (not shown here)."""

    address: int


CpEvent = CardRead | KeyPress | StatusReport | PdOnline | PdOffline | KeyInstalled


# --- errors ---------------------------------------------------------------------------------


class PdOfflineError(TransportError):
    """The reader is offline, or went offline before answering the command."""

    def __init__(self, message: str, *, address: int) -> None:
        super().__init__(message, api="osdp")
        self.address = address


class NakError(DeviceError):
    """The reader refused the command with a NAK; ``reason`` says why."""

    def __init__(self, message: str, *, address: int, reason: NakReason) -> None:
        super().__init__(message, code=int(reason), api="osdp")
        self.address = address
        self.reason = reason


class UnexpectedReplyError(MalformedResponseError):
    """The reader answered with a reply that does not belong to the command."""

    def __init__(self, message: str, *, address: int) -> None:
        super().__init__(message, api="osdp")
        self.address = address
