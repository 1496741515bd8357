"""The control panel's bookkeeping: its steps per reader, command kinds, and what it holds.

Kept apart from :mod:`.cp` so that the core reads as the protocol flow.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from enum import Enum

from .cp_types import CardRead, CpEvent, KeyPress, PdConfig, StatusReport
from .frame import SecurityBlock
from .handshake import CpHandshake
from .messages import (
    Command,
    InputStatus,
    KeypadData,
    LocalStatus,
    OutputStatus,
    PdCapabilities,
    PdId,
    RawCardData,
    ReaderStatus,
    Reply,
    ReplyPayload,
)
from .secure import SecureChannel

__all__ = [
    "ACCEPTED_REPLIES",
    "InFlight",
    "Kind",
    "PendingCommand",
    "ReaderInfo",
    "ReaderLink",
    "Step",
    "next_sequence",
    "reply_event",
]

#: The replies that complete each command a user may send; anything else is unexpected.
ACCEPTED_REPLIES: dict[Command, frozenset[Reply]] = {
    Command.ID: frozenset({Reply.PDID}),
    Command.CAP: frozenset({Reply.PDCAP}),
    Command.LSTAT: frozenset({Reply.LSTATR}),
    Command.ISTAT: frozenset({Reply.ISTATR}),
    Command.OSTAT: frozenset({Reply.OSTATR}),
    Command.RSTAT: frozenset({Reply.RSTATR}),
    Command.OUT: frozenset({Reply.ACK, Reply.OSTATR}),
    Command.LED: frozenset({Reply.ACK}),
    Command.BUZ: frozenset({Reply.ACK}),
    Command.TEXT: frozenset({Reply.ACK}),
    Command.COMSET: frozenset({Reply.COM}),
    Command.KEYSET: frozenset({Reply.ACK}),
}

#: How often one command may be sent again after its reader's link was reset under it.
MAX_RESENDS = 1
#: How many BUSY replies in a row one command tolerates before it counts as unanswered.
MAX_BUSY = 20


class Step(Enum):
    """Where the control panel is with one reader."""

    #: Not answering; probed again when its retry time comes.
    OFFLINE = "offline"
    #: Sending ID (with sequence 0) to (re)start the link.
    IDENTIFY = "identify"
    #: Sending CAP.
    CAPABILITIES = "capabilities"
    #: Sending CHLNG to open the secure channel.
    CHALLENGE = "challenge"
    #: Sending SCRYPT, the second half of the handshake.
    CRYPTOGRAM = "cryptogram"
    #: Sending KEYSET under an install-mode session, to give the reader its site key.
    INSTALL_KEY = "install-key"
    #: Polling and serving queued commands.
    ONLINE = "online"


class Kind(Enum):
    """Why a command is on the bus: link set-up, a poll, or a user's request."""

    IDENTIFY = "identify"
    CAPABILITIES = "capabilities"
    CHALLENGE = "challenge"
    CRYPTOGRAM = "cryptogram"
    INSTALL_KEY = "install-key"
    POLL = "poll"
    USER = "user"


@dataclass(frozen=True)
class ReaderInfo:
    """A snapshot of what the control panel knows about one reader."""

    address: int
    online: bool
    secure: bool
    identity: PdId | None
    capabilities: PdCapabilities | None
    last_error: str | None


@dataclass(eq=False)
class PendingCommand:
    kind: Kind
    code: Command
    data: bytes = b""
    security: SecurityBlock | None = None
    future: Future[ReplyPayload] | None = None
    new_key: bytes | None = field(default=None, repr=False)
    resends: int = 0


@dataclass(eq=False)
class ReaderLink:
    config: PdConfig
    address: int
    scbk: bytes | None = field(repr=False)
    step: Step = Step.IDENTIFY
    online: bool = False
    sequence: int = 0
    use_crc: bool = True
    due: float = 0.0
    channel: SecureChannel | None = None
    handshake: CpHandshake | None = None
    default_key: bool = False
    scrypt: tuple[SecurityBlock, bytes] | None = field(default=None, repr=False)
    identity: PdId | None = None
    capabilities: PdCapabilities | None = None
    last_error: str | None = None
    queue: deque[PendingCommand] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self.use_crc = self.config.use_crc


@dataclass(eq=False)
class InFlight:
    reader: ReaderLink
    command: PendingCommand
    frame: bytes
    sequence: int
    deadline: float
    latest: float
    attempts: int = 1
    busy_count: int = 0
    busy_pending: bool = False


def next_sequence(sequence: int) -> int:
    """The sequence number after ``sequence``: 0 is used once, then 1, 2, 3, 1, ..."""
    return sequence % 3 + 1


def reply_event(address: int, payload: ReplyPayload) -> CpEvent | None:
    """The event a reply to POLL carries, or None for a plain ACK (or anything else)."""
    if isinstance(payload, RawCardData):
        return CardRead.from_reply(address, payload)
    if isinstance(payload, KeypadData):
        return KeyPress(address, payload.reader, payload.digits)
    if isinstance(payload, (LocalStatus, InputStatus, OutputStatus, ReaderStatus)):
        return StatusReport(address, payload)
    return None
