"""The OSDP control panel (CP) as a sans-I/O state machine: bytes and time in, bytes out.

:class:`ControlPanelCore` owns the bus: it sends one command at a time and waits for its
reply (OSDP is half duplex), polls every reader, retransmits unanswered commands with the
same sequence number, takes readers offline and probes them again, sets up the secure
channel per reader (commissioning new readers with KEYSET when asked) and turns replies into
typed results and events. It never sleeps or touches a port: a runner
(:mod:`.cp_runner`) feeds it what the link received and the current monotonic time, writes
what :meth:`~ControlPanelCore.data_to_send` returns, and wakes it at
:meth:`~ControlPanelCore.next_deadline`. Tests drive it the same way with a manual clock.

Sequence numbers follow the spec and libosdp: 0 on first contact and after every reset,
then 1, 2, 3, 1, ...; the number advances only when a valid reply arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future

from axisctl.errors import ConfigurationError

from .cp_replies import ReplyHandling
from .cp_steps import (
    ACCEPTED_REPLIES,
    MAX_BUSY,
    InFlight,
    Kind,
    PendingCommand,
    ReaderInfo,
    ReaderLink,
    Step,
    next_sequence,
)
from .cp_types import CpEvent, CpTimings, PdConfig, PdOfflineError, check_scbk
from .errors import MessageError, SecureChannelError
from .frame import MAX_FRAME_LENGTH, FrameDecoder, Packet, encode
from .handshake import CpHandshake
from .link import wire_time
from .messages import (
    CapabilitiesRequest,
    Command,
    IdRequest,
    KeySet,
    Nak,
    Reply,
    ReplyPayload,
    decode_reply,
)
from .secure import random_bytes

__all__ = ["ACCEPTED_REPLIES", "ControlPanelCore", "ReaderInfo"]

logger = logging.getLogger(__name__)


class ControlPanelCore(ReplyHandling):
    """The control panel's state machine for the readers ``readers`` on one bus.

    ``mark`` prefixes every command with the 0xFF mark byte (as libosdp and OSDP 2.2 do);
    ``random`` supplies RND.A for the secure channel (tests pass a fixed source).
    Methods are not thread-safe; the runners serialise calls with a lock.
    """

    def __init__(
        self,
        readers: Iterable[PdConfig],
        timings: CpTimings | None = None,
        *,
        mark: bool = True,
        random: Callable[[int], bytes] | None = None,
    ) -> None:
        self.timings = timings or CpTimings()
        self.mark = mark
        self._random = random or random_bytes
        self._readers: list[ReaderLink] = []
        self._by_address: dict[int, ReaderLink] = {}
        for config in readers:
            if config.address in self._by_address:
                raise ConfigurationError(f"address {config.address} is configured twice")
            reader = ReaderLink(config, config.address, config.scbk)
            self._readers.append(reader)
            self._by_address[config.address] = reader
        if not self._readers:
            raise ConfigurationError("a control panel needs at least one reader")
        self._decoder = FrameDecoder()
        self._inflight: InFlight | None = None
        self._events: list[CpEvent] = []
        self._next_index = 0
        self._closed = False

    # --- public API -------------------------------------------------------------------------

    @property
    def addresses(self) -> list[int]:
        return [reader.address for reader in self._readers]

    def reader_info(self, address: int) -> ReaderInfo:
        reader = self._reader(address)
        return ReaderInfo(
            reader.address,
            reader.online,
            reader.channel is not None,
            reader.identity,
            reader.capabilities,
            reader.last_error,
        )

    def submit(self, address: int, code: Command, data: bytes = b"") -> Future[ReplyPayload]:
        """Queues a command for a reader; the future gets its typed reply payload.

        ACK completes with ``None``. The future fails with :class:`PdOfflineError` when the
        reader is (or goes) offline, :class:`NakError` when it refuses the command and
        :class:`UnexpectedReplyError` for a reply that does not fit.
        """
        reader = self._reader(address)
        if code not in ACCEPTED_REPLIES:
            raise ConfigurationError(f"command {code!r} cannot be sent through submit()")
        future: Future[ReplyPayload] = Future()
        future.set_running_or_notify_cancel()
        command = PendingCommand(Kind.USER, Command(code), bytes(data), future=future)
        if code == Command.KEYSET:
            if not reader.config.secure:
                raise ConfigurationError(
                    f"{reader.config.label}: KEYSET needs the secure channel; configure an "
                    "SCBK or install mode for this reader"
                )
            command.new_key = check_scbk(KeySet.decode(bytes(data)).key, "key")
        if self._closed:
            future.set_exception(PdOfflineError("the control panel is stopped", address=address))
        elif reader.step is Step.OFFLINE:
            reason = reader.last_error or "not answering"
            future.set_exception(
                PdOfflineError(f"{reader.config.label} is offline: {reason}", address=address)
            )
        else:
            reader.queue.append(command)
        return future

    def receive_data(self, data: bytes, now: float) -> None:
        """Bytes the link received at ``now`` (monotonic seconds)."""
        if not data:
            return
        inflight = self._inflight
        if inflight is not None:
            # A reply is arriving: give it time to finish, within reason.
            inflight.deadline = min(
                max(inflight.deadline, now + self.timings.reply_timeout), inflight.latest
            )
        for packet in self._decoder.feed(data):
            self._on_packet(packet, now)

    def data_to_send(self, now: float) -> bytes:
        """The next frame to write at ``now``, or ``b""`` when the bus must stay quiet."""
        if self._closed:
            return b""
        inflight = self._inflight
        if inflight is not None:
            if now < inflight.deadline:
                return b""
            frame = self._on_timeout(inflight, now)
            if frame:
                return frame
        picked = self._pick(now)
        if picked is None:
            return b""
        return self._send(*picked, now)

    def next_deadline(self) -> float | None:
        """When :meth:`data_to_send` has something to do at the latest (``None``: never)."""
        if self._closed:
            return None
        if self._inflight is not None:
            return self._inflight.deadline
        deadlines = []
        for reader in self._readers:
            if reader.step is Step.OFFLINE or (reader.step is Step.ONLINE and not reader.queue):
                deadlines.append(reader.due)
            else:
                return 0.0
        return min(deadlines)

    def take_events(self) -> list[CpEvent]:
        """The events since the last call, oldest first."""
        events, self._events = self._events, []
        return events

    def close(self) -> None:
        """Fails every pending command; the core sends nothing afterwards."""
        if self._closed:
            return
        self._closed = True
        for reader in self._readers:
            self._fail_queue(reader, "the control panel is stopped")
        inflight, self._inflight = self._inflight, None
        if inflight is not None and inflight.command.future is not None:
            self._fail(
                inflight.command,
                PdOfflineError("the control panel is stopped", address=inflight.reader.address),
            )

    # --- sending ----------------------------------------------------------------------------

    def _reader(self, address: int) -> ReaderLink:
        try:
            return self._by_address[address]
        except KeyError:
            known = ", ".join(str(a) for a in sorted(self._by_address))
            raise ConfigurationError(
                f"no reader at address {address} (configured: {known})"
            ) from None

    def _pick(self, now: float) -> tuple[ReaderLink, PendingCommand] | None:
        count = len(self._readers)
        for offset in range(count):
            index = (self._next_index + offset) % count
            command = self._next_command(self._readers[index], now)
            if command is not None:
                self._next_index = (index + 1) % count
                return self._readers[index], command
        return None

    def _next_command(self, reader: ReaderLink, now: float) -> PendingCommand | None:
        step = reader.step
        if step is Step.OFFLINE:
            if now < reader.due:
                return None
            self._restart(reader, Step.IDENTIFY)
            step = Step.IDENTIFY
        if step is Step.IDENTIFY:
            return PendingCommand(Kind.IDENTIFY, Command.ID, IdRequest().encode())
        if step is Step.CAPABILITIES:
            return PendingCommand(Kind.CAPABILITIES, Command.CAP, CapabilitiesRequest().encode())
        if step is Step.CHALLENGE:
            reader.channel = None
            reader.handshake = CpHandshake(
                reader.scbk, default_key=reader.default_key, random=self._random
            )
            block, challenge = reader.handshake.challenge()
            return PendingCommand(Kind.CHALLENGE, Command.CHLNG, challenge.encode(), block)
        if step is Step.CRYPTOGRAM:
            assert reader.scrypt is not None
            block, data = reader.scrypt
            return PendingCommand(Kind.CRYPTOGRAM, Command.SCRYPT, data, block)
        if step is Step.INSTALL_KEY:
            assert reader.config.scbk is not None
            return PendingCommand(
                Kind.INSTALL_KEY,
                Command.KEYSET,
                KeySet(reader.config.scbk).encode(),
                new_key=reader.config.scbk,
            )
        if reader.queue:
            return reader.queue.popleft()
        if now >= reader.due:
            return PendingCommand(Kind.POLL, Command.POLL)
        return None

    def _send(self, reader: ReaderLink, command: PendingCommand, now: float) -> bytes:
        packet = Packet(
            reader.address,
            reply=False,
            sequence=reader.sequence,
            code=command.code,
            data=command.data,
            use_crc=reader.use_crc,
            security=command.security,
        )
        if reader.channel is not None and command.security is None:
            packet = reader.channel.protect(packet)
        frame = encode(packet, mark=self.mark)
        self._decoder.reset()
        sent = now + wire_time(len(frame), self.timings.baud_rate)
        self._inflight = InFlight(
            reader,
            command,
            frame,
            reader.sequence,
            deadline=sent + self.timings.reply_timeout,
            latest=sent
            + self.timings.reply_timeout
            + wire_time(MAX_FRAME_LENGTH, self.timings.baud_rate),
        )
        return frame

    def _on_timeout(self, inflight: InFlight, now: float) -> bytes:
        self._decoder.reset()
        reader = inflight.reader
        sent = now + wire_time(len(inflight.frame), self.timings.baud_rate)
        # A reader that is not (yet) online gets a single try per probe, so that a missing
        # reader costs the bus one reply timeout per offline_retry, not several.
        limit = self.timings.retries if reader.online or reader.step is not Step.IDENTIFY else 0
        if inflight.busy_pending and inflight.busy_count <= MAX_BUSY:
            inflight.busy_pending = False
        elif inflight.attempts <= limit:
            inflight.attempts += 1
        else:
            self._inflight = None
            reason = f"no reply to {inflight.command.code.name}"
            self._go_offline(reader, now, reason)
            self._fail(
                inflight.command,
                PdOfflineError(f"{reader.config.label}: {reason}", address=reader.address),
            )
            return b""
        inflight.deadline = sent + self.timings.reply_timeout
        inflight.latest = inflight.deadline + wire_time(MAX_FRAME_LENGTH, self.timings.baud_rate)
        # The same bytes again: same sequence number and, under the secure channel, the same
        # MAC, so a reader that did get it can answer from its cache.
        return inflight.frame

    # --- receiving --------------------------------------------------------------------------

    def _on_packet(self, packet: Packet, now: float) -> None:
        inflight = self._inflight
        # Commands are our own echo on a bus that hears itself; stray replies are late.
        if not packet.reply or inflight is None or packet.address != inflight.reader.address:
            return
        reader = inflight.reader
        if packet.code == Reply.BUSY and packet.security is None:
            inflight.busy_count += 1
            inflight.busy_pending = True
            inflight.deadline = now + self.timings.busy_retry
            return
        if packet.sequence != inflight.sequence:
            logger.debug("%s: reply with sequence %d ignored", reader.config.label, packet.sequence)
            return
        plain = packet
        if reader.channel is not None and inflight.command.security is None:
            if packet.security is None and packet.code == Reply.NAK:
                reader.channel = None  # the reader dropped the session and says why
            else:
                try:
                    plain = reader.channel.unprotect(packet)
                except SecureChannelError as error:
                    self._inflight = None
                    self._reset(reader, inflight.command, now, f"secure channel: {error}")
                    return
        self._inflight = None
        reader.sequence = next_sequence(reader.sequence)
        try:
            payload = decode_reply(plain.code, plain.data)
        except MessageError as error:
            self._on_bad_reply(reader, inflight.command, now, f"malformed reply: {error}")
            return
        if isinstance(payload, Nak):
            self._on_nak(reader, inflight.command, payload.reason, now)
            return
        self._on_reply(reader, inflight.command, plain, payload, now)
