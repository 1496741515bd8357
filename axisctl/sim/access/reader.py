"""The simulated intercom's reader side: settings, entry list and access decisions.

A credential is presented with :meth:`IntercomAccess.present_card`,
:meth:`IntercomAccess.present_pin` or key by key with :meth:`IntercomAccess.press_keys` (what
an OSDP reader's KEYPAD replies or Wiegand keypress frames deliver). The entry list decides:

1. unknown card or PIN: denied (``CredentialNotFound``);
2. suspended, before "Valid from", after "Valid to" (on the device clock), no uses left:
   denied with that reason;
3. a card of a holder who also has a PIN, with a PIN length other than 0: the reader waits
   up to the PIN timeout for the PIN (key presses restart the wait); a wrong PIN is
   ``InvalidPIN``, none at all ``PINTimeout``;
4. otherwise granted: one use is counted, an access-granted event goes out and relay 1 (the
   door) is active for the door open time, through the I/O bank like any port.cgi pulse.

Each final outcome is one event (:mod:`~axisctl.sim.access.announce`) and one entry in the
decision log. Everything runs under the device lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from axisctl.apis.access.cards import CardData
from axisctl.apis.access.entries import CredentialHolder
from axisctl.apis.access.events import DenyReason
from axisctl.apis.access.settings import ReaderSettings
from axisctl.codecs.port_action import PortAction
from axisctl.sim.access.announce import Announcer
from axisctl.sim.access.cardinput import card_fields, card_from
from axisctl.sim.access.connector import ReaderConnector
from axisctl.sim.access.decisions import AccessResult, Decision, DecisionLog, Presented
from axisctl.sim.access.entrylist import EntryList
from axisctl.sim.catalog import ReaderConnectorSpec
from axisctl.sim.clock import Timer

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice

#: Keys the keypad has: digits, ``#`` (enter) and ``*`` (clear).
KEYS = frozenset("0123456789#*")
#: Longest PIN the keypad collects when the PIN length is 0 (then ``#`` ends a PIN).
MAX_PIN_DIGITS = 32


@dataclass
class _PendingPin:
    holder_token: str
    card: CardData


class IntercomAccess:
    """The reader side of one simulated intercom (``device.access``)."""

    def __init__(self, device: SimulatedDevice, connector: ReaderConnectorSpec) -> None:
        self.device = device
        self.connector = connector
        self.clock = device.clock
        self.lock = device.lock
        self.settings = ReaderSettings()
        self.entry_list = EntryList(device.serial)
        self.log = DecisionLog()
        self.last_card: CardData | None = None
        self._announce = Announcer(device.bus, device.clock)
        self._pending: _PendingPin | None = None
        self._keys = ""
        self._timer: Timer | None = None
        #: The connector's runtime: the external OSDP reader's pty, Wiegand lines.
        self.reader_connector = ReaderConnector(self)

    def __repr__(self) -> str:
        return f"<IntercomAccess on {self.device.serial}: {len(self.entry_list)} holder(s)>"

    # --- configuration -----------------------------------------------------------------------

    def set_settings(self, settings: ReaderSettings) -> None:
        """Replace the settings (validated); a PIN entry in progress ends, as on a reader."""
        settings.validate()
        with self.lock:
            self.settings = settings
            self._idle()
            self.reader_connector.update()

    @property
    def connector_path(self) -> str | None:
        """The reader connector's pty (``/dev/pts/N``) once opened; see :attr:`reader_connector`."""
        return self.reader_connector.path

    # --- presenting credentials --------------------------------------------------------------

    def present_card(
        self,
        card: CardData | str | None = None,
        *,
        data: bytes | None = None,
        bit_count: int | None = None,
        number: int | None = None,
        facility: int | None = None,
    ) -> Decision:
        """A card at the reader: ``card`` (:class:`CardData` or Wiegand bits ``"1000..."``),
        OSDP RAW ``data`` with ``bit_count``, or ``number`` with ``bit_count`` (and
        ``facility``). Raises :class:`~axisctl.apis.access.InvalidCardError` for bad input.
        """
        with self.lock:
            read = card_from(
                card,
                data=data,
                bit_count=bit_count,
                number=number,
                facility=facility,
                settings=self.settings,
            )
            if self.device.restarting:
                return self._decided(AccessResult.NOT_CHECKED, Presented.CARD, card=read)
            self.last_card = read
            self._announce.card_read(read, card_fields(read, self.settings))
            if not self.settings.entry_list:
                return self._decided(AccessResult.NOT_CHECKED, Presented.CARD, card=read)
            self._idle()
            holder = self.entry_list.by_card(read)
            if holder is None:
                return self._deny(DenyReason.CREDENTIAL_NOT_FOUND, None, Presented.CARD, read)
            reason = self._invalid_because(holder)
            if reason is not None:
                return self._deny(reason, holder, Presented.CARD, read)
            if holder.pin is not None and self.settings.pin_length > 0:
                self._pending = _PendingPin(holder.token, read)
                self._restart_timer()
                return Decision(
                    AccessResult.PIN_REQUIRED,
                    self.clock.wall(),
                    Presented.CARD,
                    token=holder.token,
                    holder=holder.name,
                    card=read,
                )
            return self._grant(holder, Presented.CARD, read)

    def present_pin(self, pin: str) -> Decision:
        """A whole PIN from the keypad: after a card-and-PIN holder's card, or on its own."""
        if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit():
            raise ValueError("a PIN is one or more digits 0-9")
        with self.lock:
            pending, self._pending = self._pending, None
            self._cancel_timer()
            self._keys = ""
            presented = Presented.PIN if pending is None else Presented.CARD_AND_PIN
            card = None if pending is None else pending.card
            if self.device.restarting or not self.settings.entry_list:
                return self._decided(AccessResult.NOT_CHECKED, presented, card=card)
            if pending is None:
                holder = self.entry_list.by_pin(pin)
                if holder is None:
                    return self._deny(DenyReason.CREDENTIAL_NOT_FOUND, None, presented)
            else:
                holder = self.entry_list.get(pending.holder_token)
                if holder is None:  # removed while the reader waited for the PIN
                    return self._deny(DenyReason.CREDENTIAL_NOT_FOUND, None, presented, card)
                if holder.pin != pin:
                    return self._deny(DenyReason.INVALID_PIN, holder, presented, card)
            reason = self._invalid_because(holder)
            if reason is not None:
                return self._deny(reason, holder, presented, card)
            return self._grant(holder, presented, card)

    def press_keys(self, keys: str) -> Decision | None:
        """Key presses in order: digits, ``#`` (enter) and ``*`` (clear).

        A PIN is complete after ``pin_length`` digits, or at ``#`` (the only way when the
        length is 0). Each key restarts the PIN timeout; when it runs out the digits are
        dropped. Returns the decision of the last completed PIN, or ``None``.
        """
        if not isinstance(keys, str) or any(key not in KEYS for key in keys):
            raise ValueError("keys are digits 0-9, '#' (enter) and '*' (clear)")
        decision = None
        with self.lock:
            for key in keys:
                if key == "*":
                    self._keys = ""
                elif key == "#":
                    if self._keys:
                        decision = self.present_pin(self._keys)
                else:
                    self._keys += key
                    length = self.settings.pin_length or MAX_PIN_DIGITS
                    if len(self._keys) >= length:
                        decision = self.present_pin(self._keys)
                        continue
                if self._keys or self._pending is not None:
                    self._restart_timer()
        return decision

    def decisions(self, limit: int | None = None) -> list[Decision]:
        with self.lock:
            return self.log.recent(limit)

    # --- power -------------------------------------------------------------------------------

    def power_cycle(self) -> None:
        """A restart: the reader forgets a PIN entry in progress; settings and list stay."""
        with self.lock:
            self._idle()

    def factory_default(self) -> None:
        """Default settings, an empty entry list and log."""
        with self.lock:
            self._idle()
            self.settings = ReaderSettings()
            self.entry_list.clear()
            self.log.clear()
            self.last_card = None
            self.reader_connector.factory_default()

    def close(self) -> None:
        """Idle, and the reader connector closed (never call it with the device lock held)."""
        with self.lock:
            self._idle()
        self.reader_connector.close()

    # --- internals ---------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock.wall(), dt.timezone.utc)

    def _invalid_because(self, holder: CredentialHolder) -> DenyReason | None:
        now = self._now()
        if holder.suspended:
            return DenyReason.CREDENTIAL_NOT_ENABLED
        if holder.valid_from is not None and now < holder.valid_from:
            return DenyReason.CREDENTIAL_NOT_ACTIVE
        if holder.valid_to is not None and now >= holder.valid_to:
            return DenyReason.CREDENTIAL_EXPIRED
        if holder.remaining_uses is not None and holder.remaining_uses <= 0:
            return DenyReason.NO_USES_LEFT
        return None

    def _grant(
        self, holder: CredentialHolder, presented: Presented, card: CardData | None
    ) -> Decision:
        self.entry_list.use(holder.token)
        self._announce.granted(holder)
        open_ms = self.settings.door_open_time_s * 1000
        self.device.io.run_action(PortAction.pulse(self.connector.door_port, open_ms))
        return self._decided(AccessResult.GRANTED, presented, holder=holder, card=card)

    def _deny(
        self,
        reason: DenyReason,
        holder: CredentialHolder | None,
        presented: Presented,
        card: CardData | None = None,
    ) -> Decision:
        self._announce.denied(reason, holder, card=card)
        return self._decided(AccessResult.DENIED, presented, reason, holder=holder, card=card)

    def _decided(
        self,
        result: AccessResult,
        presented: Presented,
        reason: DenyReason | None = None,
        *,
        holder: CredentialHolder | None = None,
        card: CardData | None = None,
    ) -> Decision:
        decision = Decision(
            result,
            self.clock.wall(),
            presented,
            reason,
            token=holder.token if holder else "",
            holder=holder.name if holder else "",
            card=card,
        )
        self.log.add(decision)
        return decision

    def _restart_timer(self) -> None:
        self._cancel_timer()
        self._timer = self.clock.call_later(self.settings.pin_timeout_s, self._timed_out)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        self._keys = ""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        holder = self.entry_list.get(pending.holder_token)
        if holder is not None:
            self._deny(DenyReason.PIN_TIMEOUT, holder, Presented.CARD_AND_PIN, pending.card)

    def _idle(self) -> None:
        """Back to idle without a decision: no PIN awaited, no digits kept."""
        self._cancel_timer()
        self._pending = None
        self._keys = ""
