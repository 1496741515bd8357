"""How an emulated reader presents itself: address, identity, keys and what it has."""

from __future__ import annotations

from dataclasses import dataclass, field

from axisctl.errors import ConfigurationError

from .cp_types import check_scbk
from .messages import PdId

__all__ = ["DEFAULT_IDENTITY", "ReaderConfig"]

#: The PDID of the emulator unless told otherwise. The vendor code is made up (no OUI).
DEFAULT_IDENTITY = PdId(
    vendor_code=0x00AC75, model=1, version=1, serial_number=0x00000001, firmware=(1, 0, 0)
)


@dataclass(frozen=True)
class ReaderConfig:
    """One emulated reader (peripheral device).

    * ``scbk``: its secure channel base key; ``None`` means none was ever set, so the reader
      is in install mode and accepts the well-known key SCBK-D.
    * ``install_mode``: accept SCBK-D even though ``scbk`` is set (until a KEYSET).
    * ``require_secure``: refuse everything but ID, CAP and the handshake without the
      secure channel (NAK 6), like libosdp's EnforceSecure.
    * ``secure_channel``: offer the secure channel at all (PDCAP function 9).
    * ``mark``: send the 0xFF mark byte before replies; ``None`` mirrors the command.
    * ``inputs``/``outputs``/``leds``: how many of each the reader has.
    """

    address: int = 0
    identity: PdId = DEFAULT_IDENTITY
    scbk: bytes | None = field(default=None, repr=False)
    install_mode: bool = False
    require_secure: bool = False
    secure_channel: bool = True
    mark: bool | None = None
    inputs: int = 0
    outputs: int = 0
    leds: int = 1
    client_uid: bytes | None = None

    def __post_init__(self) -> None:
        if isinstance(self.address, bool) or not 0 <= self.address <= 0x7E:
            raise ConfigurationError(f"address: expected 0..126, got {self.address!r}")
        if self.scbk is not None:
            check_scbk(self.scbk)
        for name in ("inputs", "outputs", "leds"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFF:
                raise ConfigurationError(f"{name}: expected 0..255, got {value!r}")
        if self.client_uid is not None and len(self.client_uid) != 8:
            raise ConfigurationError(f"client_uid: expected 8 bytes, got {len(self.client_uid)}")
