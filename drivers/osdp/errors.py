"""Errors of the OSDP codec and secure channel.

Everything a peer can send wrong is a :class:`~axisctl.errors.ParseError` (and so a
``ValueError``): the frame layer raises :class:`FrameError` subclasses, the payload layer
:class:`MessageError` naming the field, and the secure channel :class:`SecureChannelError`.
A control panel or reader can therefore catch one class per layer and map it onto the NAK
reason the protocol wants (bad check character, bad length, security condition not met).
Messages never contain key material, MACs or decrypted payloads.
"""

from __future__ import annotations

from axisctl.errors import ParseError

__all__ = [
    "ChecksumError",
    "FrameError",
    "FrameLengthError",
    "MacMismatchError",
    "MessageError",
    "PaddingError",
    "SecureChannelError",
    "SecurityBlockError",
    "StartOfMessageError",
    "UnknownCodeError",
]


class FrameError(ParseError):
    """A byte sequence that is not one well-formed OSDP frame."""


class StartOfMessageError(FrameError):
    """The frame does not begin with SOM (0x53), after any 0xFF mark bytes."""


class FrameLengthError(FrameError):
    """LEN disagrees with the bytes present, or is outside 7..1440, or the body is too short."""


class ChecksumError(FrameError):
    """The CRC-16 or the 8-bit checksum does not match (NAK reason 1 on a reader)."""


class SecurityBlockError(FrameError):
    """The security control block (SCB) is malformed: its length byte is out of range."""


class MessageError(ParseError):
    """A command or reply payload that cannot be decoded; ``field`` names the culprit.

    ``code`` is the command or reply code whose payload failed, when known.
    """

    def __init__(self, message: str, *, field: str, code: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.code = code


class SecureChannelError(ParseError):
    """A packet that the established secure channel must refuse (NAK reason 6 on a reader)."""


class MacMismatchError(SecureChannelError):
    """The 4 MAC bytes on the wire are not the ones the chained session keys produce."""


class PaddingError(SecureChannelError):
    """Encrypted data that is not whole AES blocks, or whose 0x80 end marker is missing."""


class UnknownCodeError(MessageError):
    """A command or reply code this codec has no payload layout for (NAK reason 3)."""
