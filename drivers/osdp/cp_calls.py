"""The control panel's commands as typed calls, shared by the blocking and asyncio faces.

Each function describes one command: its code, its payload bytes and how to turn the reply
payload into the result the caller gets. :class:`~.cp_runner.ControlPanel` and
:class:`~.cp_runner.AsyncControlPanel` run the same descriptions, one blocking and one
awaiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from axisctl.errors import ConfigurationError

from .cp_types import check_scbk
from .messages import (
    BuzzerCommand,
    CapabilitiesRequest,
    Command,
    ComSet,
    ComSettings,
    IdRequest,
    InputStatus,
    KeySet,
    LedCommand,
    LocalStatus,
    OutputCommand,
    OutputStatus,
    PdCapabilities,
    PdId,
    ReaderStatus,
    ReplyPayload,
    TextCommand,
    encode_records,
)

__all__ = [
    "Call",
    "buzzer",
    "capabilities",
    "identify",
    "input_status",
    "led",
    "local_status",
    "output",
    "output_status",
    "reader_status",
    "set_communication",
    "set_key",
    "text",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Call(Generic[T]):
    """One command to send and the conversion of its reply payload into the result."""

    code: Command
    data: bytes = field(repr=False)
    result: Callable[[ReplyPayload], T]


def _as(kind: type[T]) -> Callable[[ReplyPayload], T]:
    def convert(payload: ReplyPayload) -> T:
        # The core only completes a call with a reply it accepts for the command, so a
        # mismatch here is a bug, not a reader's fault.
        assert isinstance(payload, kind), payload
        return payload

    return convert


def _nothing(payload: ReplyPayload) -> None:
    return None


def _records(what: str, records: tuple[object, ...]) -> None:
    if not records:
        raise ConfigurationError(f"{what}: give at least one record")


def identify() -> Call[PdId]:
    """ID: the reader's vendor, model, serial number and firmware."""
    return Call(Command.ID, IdRequest().encode(), _as(PdId))


def capabilities() -> Call[PdCapabilities]:
    """CAP: what the reader can do."""
    return Call(Command.CAP, CapabilitiesRequest().encode(), _as(PdCapabilities))


def local_status() -> Call[LocalStatus]:
    """LSTAT: tamper and power."""
    return Call(Command.LSTAT, b"", _as(LocalStatus))


def input_status() -> Call[InputStatus]:
    """ISTAT: the contact inputs."""
    return Call(Command.ISTAT, b"", _as(InputStatus))


def output_status() -> Call[OutputStatus]:
    """OSTAT: the outputs."""
    return Call(Command.OSTAT, b"", _as(OutputStatus))


def reader_status() -> Call[ReaderStatus]:
    """RSTAT: the attached readers (normal, not connected, tampered)."""
    return Call(Command.RSTAT, b"", _as(ReaderStatus))


def _output_result(payload: ReplyPayload) -> OutputStatus | None:
    return payload if isinstance(payload, OutputStatus) else None


def output(*records: OutputCommand) -> Call[OutputStatus | None]:
    """OUT: drive outputs; the result is the outputs' state if the reader reports it."""
    _records("output", records)
    return Call(Command.OUT, encode_records(records), _output_result)


def led(*records: LedCommand) -> Call[None]:
    """LED: set the temporary and/or permanent state of reader LEDs."""
    _records("led", records)
    return Call(Command.LED, encode_records(records), _nothing)


def buzzer(*records: BuzzerCommand) -> Call[None]:
    """BUZ: beep."""
    _records("buzzer", records)
    return Call(Command.BUZ, encode_records(records), _nothing)


def text(command: TextCommand) -> Call[None]:
    """TEXT: show text on the reader's display."""
    return Call(Command.TEXT, command.encode(), _nothing)


def set_communication(settings: ComSet) -> Call[ComSettings]:
    """COMSET: move the reader to another address and/or baud rate.

    The reader answers with the new settings and switches after its reply; the control
    panel addresses it by the new address from then on. A new baud rate applies to the
    whole bus: change the link's speed afterwards.
    """
    return Call(Command.COMSET, settings.encode(), _as(ComSettings))


def set_key(scbk: bytes) -> Call[None]:
    """KEYSET: give the reader a new secure channel base key (needs the secure channel)."""
    return Call(Command.KEYSET, KeySet(check_scbk(scbk)).encode(), _nothing)
