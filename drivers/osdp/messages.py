"""OSDP commands and replies: codes, typed payloads and decoding by code.

The payload classes live in :mod:`.commands` and :mod:`.replies` and the enumerations in
:mod:`.codes`; this module gathers them and adds :func:`decode_command` and
:func:`decode_reply`, which pick the layout from the code of a received packet.

Payload-less codes (POLL, LSTAT, ISTAT, OSTAT, RSTAT and ACK) decode to ``None`` after
checking that no data came with them. OUT, LED and BUZ decode to a tuple of records.
A code without a layout here raises :class:`~axisctl.drivers.osdp.errors.UnknownCodeError`
(a reader answers NAK 3); a bad payload raises
:class:`~axisctl.drivers.osdp.errors.MessageError` (NAK 2).
"""

from __future__ import annotations

from collections.abc import Callable

from ._fields import Cursor
from .codes import (
    CapabilityFunction,
    CardFormat,
    Command,
    KeyType,
    LedColor,
    NakReason,
    OutputControl,
    PermanentLedControl,
    ReaderState,
    Reply,
    SecurityBlockType,
    TemporaryLedControl,
    TextControl,
    ToneCode,
)
from .commands import (
    BuzzerCommand,
    CapabilitiesRequest,
    Challenge,
    ComSet,
    IdRequest,
    KeySet,
    LedCommand,
    OutputCommand,
    ServerCryptogram,
    TextCommand,
    encode_records,
)
from .errors import MessageError, UnknownCodeError
from .replies import (
    Busy,
    ClientCryptogram,
    ComSettings,
    InitialRmac,
    InputStatus,
    KeypadData,
    LocalStatus,
    Nak,
    OutputStatus,
    PdCapabilities,
    PdCapability,
    PdId,
    RawCardData,
    ReaderStatus,
)

__all__ = [
    "Busy",
    "BuzzerCommand",
    "CapabilitiesRequest",
    "CapabilityFunction",
    "CardFormat",
    "Challenge",
    "ClientCryptogram",
    "ComSet",
    "ComSettings",
    "Command",
    "CommandPayload",
    "IdRequest",
    "InitialRmac",
    "InputStatus",
    "KeySet",
    "KeyType",
    "KeypadData",
    "LedColor",
    "LedCommand",
    "LocalStatus",
    "MessageError",
    "Nak",
    "NakReason",
    "OutputCommand",
    "OutputControl",
    "OutputStatus",
    "PdCapabilities",
    "PdCapability",
    "PdId",
    "PermanentLedControl",
    "RawCardData",
    "ReaderState",
    "ReaderStatus",
    "Reply",
    "ReplyPayload",
    "SecurityBlockType",
    "ServerCryptogram",
    "TemporaryLedControl",
    "TextCommand",
    "TextControl",
    "ToneCode",
    "UnknownCodeError",
    "decode_command",
    "decode_reply",
    "encode_records",
]

CommandPayload = (
    IdRequest
    | CapabilitiesRequest
    | tuple[OutputCommand, ...]
    | tuple[LedCommand, ...]
    | tuple[BuzzerCommand, ...]
    | TextCommand
    | ComSet
    | KeySet
    | Challenge
    | ServerCryptogram
    | None
)
ReplyPayload = (
    Nak
    | PdId
    | PdCapabilities
    | LocalStatus
    | InputStatus
    | OutputStatus
    | ReaderStatus
    | RawCardData
    | KeypadData
    | ComSettings
    | ClientCryptogram
    | InitialRmac
    | Busy
    | None
)

_COMMANDS_WITHOUT_DATA = frozenset(
    {Command.POLL, Command.LSTAT, Command.ISTAT, Command.OSTAT, Command.RSTAT}
)
_COMMAND_DECODERS: dict[int, Callable[[bytes], CommandPayload]] = {
    Command.ID: IdRequest.decode,
    Command.CAP: CapabilitiesRequest.decode,
    Command.OUT: OutputCommand.decode_many,
    Command.LED: LedCommand.decode_many,
    Command.BUZ: BuzzerCommand.decode_many,
    Command.TEXT: TextCommand.decode,
    Command.COMSET: ComSet.decode,
    Command.KEYSET: KeySet.decode,
    Command.CHLNG: Challenge.decode,
    Command.SCRYPT: ServerCryptogram.decode,
}
_REPLIES_WITHOUT_DATA = frozenset({Reply.ACK})
_REPLY_DECODERS: dict[int, Callable[[bytes], ReplyPayload]] = {
    Reply.NAK: Nak.decode,
    Reply.PDID: PdId.decode,
    Reply.PDCAP: PdCapabilities.decode,
    Reply.LSTATR: LocalStatus.decode,
    Reply.ISTATR: InputStatus.decode,
    Reply.OSTATR: OutputStatus.decode,
    Reply.RSTATR: ReaderStatus.decode,
    Reply.RAW: RawCardData.decode,
    Reply.KEYPAD: KeypadData.decode,
    Reply.COM: ComSettings.decode,
    Reply.CCRYPT: ClientCryptogram.decode,
    Reply.RMAC_I: InitialRmac.decode,
    Reply.BUSY: Busy.decode,
}


def _name(enum: type[Command] | type[Reply], code: int) -> str:
    try:
        return enum(code).name
    except ValueError:
        return f"{code:#04x}"


def decode_command(code: int, data: bytes) -> CommandPayload:
    """The typed payload of a received command (plaintext ``data``)."""
    if code in _COMMANDS_WITHOUT_DATA:
        Cursor(data, f"{_name(Command, code)} command", code).end()
        return None
    decoder = _COMMAND_DECODERS.get(code)
    if decoder is None:
        raise UnknownCodeError(
            f"command {_name(Command, code)} is not supported", field="code", code=code
        )
    return decoder(data)


def decode_reply(code: int, data: bytes) -> ReplyPayload:
    """The typed payload of a received reply (plaintext ``data``)."""
    if code in _REPLIES_WITHOUT_DATA:
        Cursor(data, f"{_name(Reply, code)} reply", code).end()
        return None
    decoder = _REPLY_DECODERS.get(code)
    if decoder is None:
        raise UnknownCodeError(
            f"reply {_name(Reply, code)} is not supported", field="code", code=code
        )
    return decoder(data)
