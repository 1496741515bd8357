"""The OSDP peripheral device (a reader) as a sans-I/O state machine: commands in, replies out.

:class:`PeripheralCore` answers what a control panel sends to its address: POLL (with one
queued card read, key press or status report, or ACK), ID, CAP, the status queries, OUT,
LED, BUZ, TEXT, COMSET and KEYSET, and the secure channel handshake. Commands change the
observable :class:`~axisctl.drivers.osdp.pd_state.EmulatorState`; the core records what
happened as :data:`PdEvent` items for the runner (:mod:`.pd_runner`) to hand on.

Sequence numbers: 0 resets the link (and drops the secure channel, as libosdp does); a
command that repeats the previous one exactly is answered with the cached reply, byte for
byte, so that a control panel whose reply got lost can retry without the MAC chain running
out of step; any other unexpected number is refused with NAK 4.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .cp_steps import next_sequence
from .errors import MessageError, SecureChannelError, UnknownCodeError
from .frame import BROADCAST, FrameDecoder, Packet, SecurityBlock, encode
from .handshake import HandshakeError, PdHandshake, client_uid_for
from .messages import (
    BuzzerCommand,
    CapabilityFunction,
    Challenge,
    Command,
    CommandPayload,
    ComSet,
    ComSettings,
    KeySet,
    LedCommand,
    Nak,
    NakReason,
    OutputCommand,
    PdCapabilities,
    PdCapability,
    ReaderState,
    ReaderStatus,
    Reply,
    ReplyPayload,
    SecurityBlockType,
    ServerCryptogram,
    TextCommand,
    decode_command,
)
from .pd_config import ReaderConfig
from .pd_state import EmulatorState
from .secure import SecureChannel, random_bytes

__all__ = [
    "SECURE_CHANNEL_TIMEOUT",
    "CommandReceived",
    "KeyChanged",
    "PdEvent",
    "PeripheralCore",
    "SecureChannelChanged",
    "SettingsChanged",
]

logger = logging.getLogger(__name__)

_R = TypeVar("_R")

#: A reader drops the secure channel after this many seconds without a secured command.
SECURE_CHANNEL_TIMEOUT = 8.0
#: A reader counts as online while commands arrived within this many seconds.
ONLINE_TIMEOUT = 8.0
#: Silence after which a half-received frame is dropped: a control panel sends each frame
#: in one go, so a longer gap means its length field was corrupted.
FRAME_GAP = 0.1

_HANDSHAKE_BLOCKS = frozenset({SecurityBlockType.SCS_11, SecurityBlockType.SCS_13})
_SECURED_BLOCKS = frozenset({SecurityBlockType.SCS_15, SecurityBlockType.SCS_17})
#: What a reader that requires the secure channel still answers in plaintext.
_PLAINTEXT_ALLOWED = frozenset({Command.ID, Command.CAP, Command.CHLNG, Command.SCRYPT})


@dataclass(frozen=True)
class CommandReceived:
    """The reader accepted ``command``; ``payload`` is its decoded content."""

    command: Command
    payload: CommandPayload
    secure: bool


@dataclass(frozen=True)
class KeyChanged:
    """KEYSET gave the reader a new SCBK; store it to keep it (``repr`` hides it)."""

    scbk: bytes = field(repr=False)


@dataclass(frozen=True)
class SecureChannelChanged:
    """The secure channel came up (``active``) or went down; ``reason`` says why it ended."""

    active: bool
    default_key: bool = False
    reason: str = ""


@dataclass(frozen=True)
class SettingsChanged:
    """COMSET moved the reader: the reply went out with the old settings, these apply now."""

    address: int
    baud_rate: int


PdEvent = CommandReceived | KeyChanged | SecureChannelChanged | SettingsChanged


class _Refusal(Exception):
    """A command answered with NAK ``reason``; ``drop_session`` ends the secure channel."""

    def __init__(self, reason: NakReason, message: str, *, drop_session: bool = False) -> None:
        super().__init__(message)
        self.reason = reason
        self.drop_session = drop_session


class PeripheralCore:
    """The reader's protocol state machine; ``state`` is what it shows and reports.

    Not thread-safe by itself: one runner thread feeds it (``state`` is thread-safe).
    """

    def __init__(
        self,
        config: ReaderConfig,
        state: EmulatorState | None = None,
        *,
        random: Callable[[int], bytes] | None = None,
    ) -> None:
        self.config = config
        self.state = state or EmulatorState(inputs=config.inputs, outputs=config.outputs)
        self.address = config.address
        self._scbk = config.scbk
        self._install_mode = config.install_mode
        self._random = random or random_bytes
        self._decoder = FrameDecoder()
        self._channel: SecureChannel | None = None
        self._handshake: PdHandshake | None = None
        self._last_sequence: int | None = None
        self._cache: tuple[Packet, bytes] | None = None
        self._last_command_at: float | None = None
        self._last_data_at = 0.0
        self._last_secure_at = 0.0
        self._events: list[PdEvent] = []
        # Set while answering, applied once the reply is built with the old settings.
        self._command_secured = False
        self._pending_channel: SecureChannel | None = None
        self._pending_settings: SettingsChanged | None = None
        self._pending_key: bytes | None = None
        self.capabilities = _capabilities(config)

    # --- public API -------------------------------------------------------------------------

    @property
    def secure(self) -> bool:
        """Whether a secure channel session is active."""
        return self._channel is not None

    @property
    def install_mode(self) -> bool:
        """Whether the reader still accepts the install-mode key SCBK-D."""
        return self._install_mode or self._scbk is None

    def online(self, now: float) -> bool:
        """Whether a control panel talked to this reader within the last 8 s."""
        last = self._last_command_at
        return last is not None and now - last < ONLINE_TIMEOUT

    def receive_data(self, data: bytes, now: float) -> bytes:
        """Bytes heard on the bus at ``now``; returns the reply frames to send (or ``b""``)."""
        if self._decoder.pending and now - self._last_data_at > FRAME_GAP:
            self._decoder.reset()
        if data:
            self._last_data_at = now
        out = bytearray()
        for packet in self._decoder.feed(data):
            frame = self._on_packet(packet, now)
            if frame:
                out += frame
        return bytes(out)

    def take_events(self) -> list[PdEvent]:
        events, self._events = self._events, []
        return events

    # --- the protocol -----------------------------------------------------------------------

    def _on_packet(self, packet: Packet, now: float) -> bytes:
        if packet.reply or packet.address not in (self.address, BROADCAST):
            return b""  # another reader's traffic, or our own echo
        mark = self.config.mark if self.config.mark is not None else self._decoder.last_marked
        self._last_command_at = now
        if self._channel is not None and now - self._last_secure_at > SECURE_CHANNEL_TIMEOUT:
            self._drop_session("no secured command for 8 s")
        sequence = packet.sequence
        if sequence == 0:
            if self._channel is not None:
                self._drop_session("the control panel restarted the link (sequence 0)")
            self._cache = None
        elif self._cache is not None and sequence == self._last_sequence:
            if packet == self._cache[0]:
                return self._cache[1]  # a retransmission: the same answer again
        elif self._last_sequence is not None and sequence != next_sequence(self._last_sequence):
            self._drop_session("sequence number out of step")
            expected = next_sequence(self._last_sequence)
            logger.info("sequence %d where %d was expected", sequence, expected)
            self._last_sequence = None
            return self._frame(packet, Reply.NAK, Nak(NakReason.SEQUENCE).encode(), mark)
        self._last_sequence = sequence
        self._command_secured = False
        try:
            code, data, block, secured = self._answer(packet, now)
        except _Refusal as refusal:
            if refusal.drop_session:
                self._drop_session(str(refusal))
            logger.info("NAK %d: %s", refusal.reason, refusal)
            self._pending_channel = self._pending_settings = self._pending_key = None
            code, data, block = Reply.NAK, Nak(refusal.reason).encode(), None
            # A NAK to a verified secured command stays in the session; any other goes out
            # in plaintext (the session is gone or was never there).
            secured = self._command_secured and self._channel is not None
        frame = self._frame(packet, code, data, mark, block=block, secured=secured)
        self._cache = (packet, frame)
        self._after_reply(now)
        return frame

    def _frame(
        self,
        command: Packet,
        code: int,
        data: bytes,
        mark: bool,
        *,
        block: SecurityBlock | None = None,
        secured: bool = False,
    ) -> bytes:
        reply = Packet(
            command.address,
            reply=True,
            sequence=command.sequence,
            code=code,
            data=data,
            use_crc=command.use_crc,
            security=block,
        )
        if secured and self._channel is not None:
            reply = self._channel.protect(reply)
        return encode(reply, mark=mark)

    def _answer(self, packet: Packet, now: float) -> tuple[int, bytes, SecurityBlock | None, bool]:
        """(reply code, reply data, handshake block, whether to secure the reply)."""
        block = packet.security
        secured = False
        if block is not None and block.type in _SECURED_BLOCKS:
            if self._channel is None:
                raise _Refusal(NakReason.SECURITY_CONDITION, "secured command without a session")
            try:
                packet = self._channel.unprotect(packet)
            except SecureChannelError as error:
                raise _Refusal(
                    NakReason.SECURITY_CONDITION, str(error), drop_session=True
                ) from None
            secured = self._command_secured = True
            self._last_secure_at = now
        elif block is not None and block.type not in _HANDSHAKE_BLOCKS:
            raise _Refusal(
                NakReason.SECURITY_CONDITION,
                f"security block {block.type:#04x} in a command",
                drop_session=True,
            )
        elif self._channel is not None and block is None:
            raise _Refusal(
                NakReason.SECURITY_CONDITION,
                "plaintext command during a session",
                drop_session=True,
            )
        elif self.config.require_secure and packet.code not in _PLAINTEXT_ALLOWED:
            raise _Refusal(NakReason.SECURITY_CONDITION, "the reader requires the secure channel")
        try:
            payload = decode_command(packet.code, packet.data)
        except UnknownCodeError as error:
            raise _Refusal(NakReason.UNKNOWN_COMMAND, str(error)) from None
        except MessageError as error:
            raise _Refusal(NakReason.COMMAND_LENGTH, str(error)) from None
        code = Command(packet.code)
        if code is Command.CHLNG or code is Command.SCRYPT:
            reply_code, reply_data, reply_block = self._handshake_step(code, block, payload)
            return reply_code, reply_data, reply_block, False
        reply_code, reply_payload = self._dispatch(code, payload, secured)
        if code is not Command.POLL:  # polls come every few ms; not news
            self._events.append(CommandReceived(code, payload, secured))
        data = b"" if reply_payload is None else reply_payload.encode()
        return reply_code, data, None, secured

    def _handshake_step(
        self, code: Command, block: SecurityBlock | None, payload: CommandPayload
    ) -> tuple[int, bytes, SecurityBlock]:
        if not self.config.secure_channel:
            raise _Refusal(NakReason.SECURE_CHANNEL_UNSUPPORTED, "no secure channel support")
        try:
            if code is Command.CHLNG:
                assert isinstance(payload, Challenge)
                self._channel = None
                self._handshake = PdHandshake(
                    self._scbk,
                    install_mode=self.install_mode,
                    client_uid=self.config.client_uid or client_uid_for(self.config.identity),
                    random=self._random,
                )
                out_block, cryptogram = self._handshake.client_cryptogram(block, payload)
                return Reply.CCRYPT, cryptogram.encode(), out_block
            assert isinstance(payload, ServerCryptogram)
            if self._handshake is None:
                raise _Refusal(NakReason.SECURE_CHANNEL_UNSUPPORTED, "SCRYPT without CHLNG")
            out_block, rmac, channel = self._handshake.initial_rmac(block, payload)
        except HandshakeError as error:
            self._handshake = None
            raise _Refusal(error.nak_reason, str(error)) from None
        default_key = self._handshake.default_key
        self._handshake = None
        self._pending_channel = channel
        self._events.append(SecureChannelChanged(True, default_key=default_key))
        return Reply.RMAC_I, rmac.encode(), out_block

    def _dispatch(
        self, code: Command, payload: CommandPayload, secured: bool
    ) -> tuple[int, ReplyPayload]:
        state = self.state
        if code is Command.POLL:
            event = state.next_event()
            return (Reply.ACK, None) if event is None else (event.CODE, event)
        if code is Command.ID:
            return Reply.PDID, self.config.identity
        if code is Command.CAP:
            return Reply.PDCAP, self.capabilities
        if code is Command.LSTAT:
            return Reply.LSTATR, state.local_status()
        if code is Command.ISTAT:
            return Reply.ISTATR, state.input_status()
        if code is Command.OSTAT:
            return Reply.OSTATR, state.output_status()
        if code is Command.RSTAT:
            return Reply.RSTATR, ReaderStatus((ReaderState.NORMAL,))
        if code is Command.OUT:
            records = _records(payload, OutputCommand)
            problem = state.check_outputs(records)
            if problem:
                raise _Refusal(NakReason.UNABLE_TO_PROCESS, problem)
            state.apply_outputs(records)
        elif code is Command.LED:
            state.apply_leds(_records(payload, LedCommand))
        elif code is Command.BUZ:
            state.apply_buzzer(_records(payload, BuzzerCommand))
        elif code is Command.TEXT:
            assert isinstance(payload, TextCommand)
            state.apply_text(payload)
        elif code is Command.COMSET:
            assert isinstance(payload, ComSet)
            self._pending_settings = SettingsChanged(payload.address, payload.baud_rate)
            return Reply.COM, ComSettings(payload.address, payload.baud_rate)
        elif code is Command.KEYSET:
            assert isinstance(payload, KeySet)
            if not secured:
                raise _Refusal(NakReason.SECURITY_CONDITION, "KEYSET outside the secure channel")
            self._pending_key = payload.key
        else:
            raise _Refusal(NakReason.UNKNOWN_COMMAND, f"{code.name} is not supported")
        return Reply.ACK, None

    def _after_reply(self, now: float) -> None:
        """Changes that take effect once the reply has been built with the old settings."""
        channel, self._pending_channel = self._pending_channel, None
        if channel is not None:
            self._channel = channel
            self._last_secure_at = now
        settings, self._pending_settings = self._pending_settings, None
        if settings is not None:
            self.address = settings.address
            self._events.append(settings)
        key, self._pending_key = self._pending_key, None
        if key is not None:
            self._scbk = key
            self._install_mode = False
            self._events.append(KeyChanged(key))
            self._drop_session("new key installed (KEYSET)")

    def _drop_session(self, reason: str) -> None:
        self._handshake = None
        if self._channel is not None:
            self._channel = None
            self._events.append(SecureChannelChanged(False, reason=reason))


def _records(payload: CommandPayload, kind: type[_R]) -> tuple[_R, ...]:
    assert isinstance(payload, tuple)
    return tuple(record for record in payload if isinstance(record, kind))


def _capabilities(config: ReaderConfig) -> PdCapabilities:
    entries = []
    if config.inputs:
        entries.append(PdCapability(CapabilityFunction.CONTACT_STATUS, 1, config.inputs))
    if config.outputs:
        entries.append(PdCapability(CapabilityFunction.OUTPUT_CONTROL, 1, config.outputs))
    entries += [
        PdCapability(CapabilityFunction.CARD_DATA_FORMAT, 1, 1),
        PdCapability(CapabilityFunction.READER_LED_CONTROL, 1, config.leds),
        PdCapability(CapabilityFunction.READER_AUDIBLE_OUTPUT, 1, 1),
        PdCapability(CapabilityFunction.READER_TEXT_OUTPUT, 1, 1),
        PdCapability(CapabilityFunction.CHECK_CHARACTER, 1, 0),
        PdCapability(CapabilityFunction.COMMUNICATION_SECURITY, int(config.secure_channel), 0),
        # 256-byte receive buffer: compliance is the low byte, count the high one.
        PdCapability(CapabilityFunction.RECEIVE_BUFFER_SIZE, 0x00, 0x01),
        PdCapability(CapabilityFunction.OSDP_VERSION, 2, 0),
    ]
    return PdCapabilities(tuple(entries))
