"""How the control panel reacts to replies, refusals and failures, reader by reader.

The mixin :class:`ReplyHandling` is the second half of
:class:`~axisctl.drivers.osdp.cp.ControlPanelCore`: the core sends commands and matches
replies to them; this part decides what each reply means for the reader's link (set-up
steps, secure channel, online/offline) and for the caller's future.
"""

from __future__ import annotations

import logging
from typing import TypeVar

from .cp_steps import (
    ACCEPTED_REPLIES,
    MAX_RESENDS,
    Kind,
    PendingCommand,
    ReaderLink,
    Step,
    reply_event,
)
from .cp_types import (
    CpEvent,
    CpTimings,
    KeyInstalled,
    NakError,
    PdOffline,
    PdOfflineError,
    PdOnline,
    UnexpectedReplyError,
)
from .errors import MessageError
from .frame import Packet
from .handshake import HandshakeError
from .messages import (
    ClientCryptogram,
    Command,
    ComSettings,
    InitialRmac,
    NakReason,
    PdCapabilities,
    PdId,
    Reply,
    ReplyPayload,
)

__all__ = ["ReplyHandling"]

logger = logging.getLogger("axisctl.drivers.osdp.cp")

T = TypeVar("T")


class ReplyHandling:
    """Reply handling and state changes of the control panel core (a mixin)."""

    timings: CpTimings
    _events: list[CpEvent]
    _by_address: dict[int, ReaderLink]

    def _on_reply(
        self,
        reader: ReaderLink,
        command: PendingCommand,
        packet: Packet,
        payload: ReplyPayload,
        now: float,
    ) -> None:
        kind = command.kind
        try:
            if kind is Kind.IDENTIFY:
                reader.identity = _expect(payload, PdId, "ID")
                reader.step = Step.CAPABILITIES
            elif kind is Kind.CAPABILITIES:
                self._on_capabilities(reader, _expect(payload, PdCapabilities, "CAP"), now)
            elif kind is Kind.CHALLENGE:
                assert reader.handshake is not None
                block, scrypt = reader.handshake.server_cryptogram(
                    packet.security, _expect(payload, ClientCryptogram, "CHLNG")
                )
                reader.scrypt = (block, scrypt.encode())
                reader.step = Step.CRYPTOGRAM
            elif kind is Kind.CRYPTOGRAM:
                assert reader.handshake is not None
                reader.channel = reader.handshake.finish(
                    packet.security, _expect(payload, InitialRmac, "SCRYPT")
                )
                reader.handshake = reader.scrypt = None
                if reader.default_key and reader.config.scbk is not None:
                    reader.step = Step.INSTALL_KEY
                else:
                    self._set_online(reader, now)
            elif kind is Kind.INSTALL_KEY or (kind is Kind.USER and command.code == Command.KEYSET):
                _expect(payload, type(None), "KEYSET")
                self._on_key_installed(reader, command)
            elif kind is Kind.POLL:
                reader.due = now + self.timings.poll_interval
                event = reply_event(reader.address, payload)
                if event is not None:
                    self._events.append(event)
            else:
                self._complete(reader, command, packet, payload, now)
        except HandshakeError as error:
            self._on_handshake_failure(reader, now, str(error))
        except MessageError as error:
            self._on_bad_reply(reader, command, now, str(error))

    def _on_capabilities(
        self, reader: ReaderLink, capabilities: PdCapabilities, now: float
    ) -> None:
        reader.capabilities = capabilities
        reader.use_crc = reader.config.use_crc and capabilities.supports_crc
        if not reader.config.secure:
            self._set_online(reader, now)
        elif not capabilities.supports_secure_channel:
            self._go_offline(reader, now, "the reader does not offer the secure channel")
        else:
            reader.default_key = reader.scbk is None
            reader.step = Step.CHALLENGE

    def _on_handshake_failure(self, reader: ReaderLink, now: float, reason: str) -> None:
        reader.handshake = reader.scrypt = None
        reader.channel = None
        if reader.config.install_mode and not reader.default_key:
            # Commissioning: the reader may still have SCBK-D; try that, then KEYSET.
            logger.info("%s: %s; trying the install-mode key", reader.config.label, reason)
            reader.default_key = True
            reader.step = Step.CHALLENGE
            return
        self._go_offline(reader, now, reason)

    def _on_key_installed(self, reader: ReaderLink, command: PendingCommand) -> None:
        assert command.new_key is not None
        reader.scbk = command.new_key
        reader.default_key = False
        # Both sides drop the session after the ACK; the next handshake uses the new key
        # and, as libosdp does, starts again at sequence 0.
        reader.channel = None
        reader.sequence = 0
        reader.step = Step.CHALLENGE
        self._events.append(KeyInstalled(reader.address))
        if command.future is not None:
            command.future.set_result(None)

    def _complete(
        self,
        reader: ReaderLink,
        command: PendingCommand,
        packet: Packet,
        payload: ReplyPayload,
        now: float,
    ) -> None:
        assert command.future is not None
        reader.due = now + self.timings.poll_interval
        if packet.code not in ACCEPTED_REPLIES[command.code]:
            self._fail(
                command,
                UnexpectedReplyError(
                    f"{reader.config.label} answered {command.code.name} with "
                    f"{_reply_name(packet.code)}",
                    address=reader.address,
                ),
            )
            return
        if isinstance(payload, ComSettings) and payload.address != reader.address:
            self._move(reader, payload.address)
        command.future.set_result(payload)

    def _on_nak(
        self, reader: ReaderLink, command: PendingCommand, reason: NakReason, now: float
    ) -> None:
        label = reader.config.label
        what = f"{label} refused {command.code.name}: NAK {int(reason)} ({reason.name})"
        if command.kind in (Kind.CHALLENGE, Kind.CRYPTOGRAM):
            self._on_handshake_failure(reader, now, what)
        elif command.kind in (Kind.IDENTIFY, Kind.CAPABILITIES, Kind.INSTALL_KEY):
            self._go_offline(reader, now, what)
        elif reason is NakReason.SEQUENCE or (
            reason is NakReason.SECURITY_CONDITION and reader.config.secure
        ):
            self._reset(reader, command, now, what)
        elif reason is NakReason.SECURITY_CONDITION:
            self._go_offline(reader, now, f"{what}; the reader requires the secure channel")
        elif reason is NakReason.CHECK_CHARACTER:
            self._resend(reader, command, what)
        elif command.future is not None:
            reader.due = now + self.timings.poll_interval
            self._fail(command, NakError(what, address=reader.address, reason=reason))
        else:
            reader.due = now + self.timings.poll_interval
            logger.warning("%s", what)

    def _on_bad_reply(
        self, reader: ReaderLink, command: PendingCommand, now: float, reason: str
    ) -> None:
        if command.kind is Kind.USER:
            reader.due = now + self.timings.poll_interval
            self._fail(command, UnexpectedReplyError(reason, address=reader.address))
        elif command.kind is Kind.POLL:
            reader.due = now + self.timings.poll_interval
            logger.warning("%s: %s", reader.config.label, reason)
        else:
            self._go_offline(reader, now, reason)

    # --- state changes ----------------------------------------------------------------------

    def _restart(self, reader: ReaderLink, step: Step) -> None:
        reader.step = step
        reader.sequence = 0
        reader.channel = None
        reader.handshake = reader.scrypt = None
        reader.default_key = False
        reader.use_crc = reader.config.use_crc

    def _set_online(self, reader: ReaderLink, now: float) -> None:
        reader.step = Step.ONLINE
        reader.due = now
        reader.last_error = None
        if not reader.online:
            reader.online = True
            self._events.append(
                PdOnline(
                    reader.address,
                    reader.channel is not None,
                    reader.identity,
                    reader.capabilities,
                )
            )

    def _go_offline(self, reader: ReaderLink, now: float, reason: str) -> None:
        logger.info("%s offline: %s", reader.config.label, reason)
        was_online = reader.online
        self._restart(reader, Step.OFFLINE)
        reader.online = False
        reader.due = now + self.timings.offline_retry
        reader.last_error = reason
        self._fail_queue(reader, reason)
        if was_online:
            self._events.append(PdOffline(reader.address, reason))

    def _reset(self, reader: ReaderLink, command: PendingCommand, now: float, reason: str) -> None:
        """The link to the reader is out of step: start again at ID with sequence 0."""
        logger.info("%s: %s; resetting the link", reader.config.label, reason)
        self._restart(reader, Step.IDENTIFY)
        self._resend(reader, command, reason)

    def _resend(self, reader: ReaderLink, command: PendingCommand, reason: str) -> None:
        if command.kind is not Kind.USER:
            return
        if command.resends < MAX_RESENDS:
            command.resends += 1
            reader.queue.appendleft(command)
        else:
            self._fail(command, PdOfflineError(reason, address=reader.address))

    def _move(self, reader: ReaderLink, address: int) -> None:
        """COMSET moved the reader to ``address``: it is known by that address from now on."""
        if address in self._by_address:
            logger.warning("%s moved to address %d, which is configured too", reader, address)
        del self._by_address[reader.address]
        reader.address = address
        self._by_address[address] = reader

    def _fail_queue(self, reader: ReaderLink, reason: str) -> None:
        while reader.queue:
            command = reader.queue.popleft()
            self._fail(
                command,
                PdOfflineError(f"{reader.config.label}: {reason}", address=reader.address),
            )

    @staticmethod
    def _fail(command: PendingCommand, error: Exception) -> None:
        if command.future is not None and not command.future.done():
            command.future.set_exception(error)


def _expect(payload: ReplyPayload, kind: type[T], what: str) -> T:
    if not isinstance(payload, kind):
        got = "ACK" if payload is None else type(payload).__name__
        raise MessageError(f"unexpected reply {got} to {what}", field="code")
    return payload


def _reply_name(code: int) -> str:
    try:
        return Reply(code).name
    except ValueError:
        return f"reply {code:#04x}"
