"""The bench's card readers: a Wiegand transmitter per link, an OSDP reader emulator per reader.

Both record what they do in the timeline: a ``wiegand`` entry per frame sent (at the time
the first pulse went out), and ``osdp`` entries for the commands the control panel sends
(never POLL or the secure channel's handshake noise) and for each card or key report the
reader hands over on a POLL.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from typing import Any

from axisctl.drivers.osdp.codes import Command
from axisctl.drivers.osdp.link import Link
from axisctl.drivers.osdp.messages import CardFormat, RawCardData
from axisctl.drivers.osdp.pd import CommandReceived, PdEvent, SecureChannelChanged
from axisctl.drivers.osdp.pd_config import ReaderConfig
from axisctl.drivers.osdp.pd_runner import ReaderEmulator
from axisctl.drivers.wiegand import WiegandFormat, WiegandFrame, WiegandTransmitter, encode
from axisctl.errors import ConfigurationError
from axisctl.hil.rig_model import Via, WiegandLink
from axisctl.hil.timeline import Timeline

__all__ = ["RecordedReader", "WiegandLinkHandle"]

#: Commands that carry or negotiate keys: recorded by name only, never with their content.
_SECRET = frozenset({Command.KEYSET, Command.CHLNG, Command.SCRYPT})
#: Commands whose content is worth a look in the log.
_SHOWN = frozenset({Command.LED, Command.BUZ, Command.TEXT, Command.OUT, Command.COMSET})


class WiegandLinkHandle:
    """The Pi playing a Wiegand reader on a link's D0/D1 (``bench.wiegand(name)``).

    Through an optocoupler the Pi's pin goes high to pull a data line low (the
    transmitter's ``inverted``); otherwise the line is driven directly (or level-shifted).
    """

    def __init__(self, link: WiegandLink, *, pin_factory: Any, timeline: Timeline) -> None:
        self.name = link.name
        self.link = link
        self._timeline = timeline
        self.transmitter = WiegandTransmitter(
            link.d0, link.d1, inverted=link.via is Via.OPTOCOUPLER, pin_factory=pin_factory
        )

    def __repr__(self) -> str:
        return f"<WiegandLinkHandle {self.name} D0={self.link.d0} D1={self.link.d1}>"

    def send(self, frame: WiegandFrame | str) -> float:
        """Send one frame (a :class:`WiegandFrame` or ``"0101..."``); the timeline time
        its first pulse went out."""
        if isinstance(frame, str):
            frame = WiegandFrame.from_text(frame)
        return self._send(frame, {})

    def send_card(self, format: WiegandFormat, facility: int | None, card: int) -> float:
        """Send a card in ``format``; the timeline time of its first pulse."""
        frame = encode(format, card=card, facility=facility)
        shown: dict[str, Any] = {"format": format.value, "card": card}
        if facility is not None:
            shown["facility"] = facility
        return self._send(frame, shown)

    def make_safe(self) -> None:
        """The transmitter leaves both lines idle after every frame, even a failed one
        (its ``finally``), so this only waits, briefly, for a frame being sent to end. It
        never blocks for long: it may run in a signal handler that interrupted a send."""
        self.transmitter.wait_idle(0.5)

    def close(self) -> None:
        self.transmitter.close()

    def _send(self, frame: WiegandFrame, shown: dict[str, Any]) -> float:
        start = self._timeline.now()
        report = self.transmitter.send(frame)
        self._timeline.record(
            "wiegand",
            self.name,
            f"{frame.bit_count}-bit frame",
            when=start,
            bits=frame.to_text(),
            backend=report.backend,
            **shown,
        )
        return start


class RecordedReader(ReaderEmulator):
    """A :class:`ReaderEmulator` that records its commands and reports in the timeline.

    Cards and keys given through :meth:`present_card`, :meth:`present_card_number` and
    :meth:`press_keys` are recorded twice: as an ``action`` when presented, and as an
    ``osdp`` ``RAW``/``KEYPAD`` entry when a POLL takes them.
    """

    def __init__(self, name: str, link: Link, config: ReaderConfig, *, timeline: Timeline) -> None:
        # POLLs raise no event: the link tells when a reply (maybe a card) has gone out.
        watched = _WatchedLink(link, self._reports_taken)
        super().__init__(watched, config, on_event=self._on_pd_event)
        self._owns_link = True
        self.name = name
        self._timeline = timeline
        self._queued: collections.deque[tuple[str, str]] = collections.deque()
        self._queue_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<RecordedReader {self.name} address {self.address}>"

    def present_card(
        self, bits: str | RawCardData, *, reader: int = 0, format: CardFormat = CardFormat.WIEGAND
    ) -> RawCardData:
        # Timed before the card is queued: the reply that carries it comes after the action.
        when = self._timeline.now()
        with self._queue_lock:
            raw = super().present_card(bits, reader=reader, format=format)
            self._queued.append(("RAW", raw.bits))
        self._timeline.record("action", self.name, "present card", when=when, bits=raw.bits)
        return raw

    def press_keys(self, keys: str, *, reader: int = 0) -> None:
        if not keys:
            raise ConfigurationError("no keys to press")
        when = self._timeline.now()
        with self._queue_lock:
            before = self.state.pending_events()
            super().press_keys(keys, reader=reader)
            for _ in range(self.state.pending_events() - before):
                self._queued.append(("KEYPAD", ""))
        self._timeline.record("action", self.name, "press keys", when=when, count=len(keys))

    def _on_pd_event(self, event: PdEvent) -> None:
        if isinstance(event, SecureChannelChanged):
            if event.active:
                self._timeline.record("osdp", self.name, "secure channel up")
            else:
                self._timeline.record("osdp", self.name, "secure channel down", reason=event.reason)
            return
        if not isinstance(event, CommandReceived):
            return
        command = event.command
        data: dict[str, Any] = {"secure": event.secure}
        if command in _SHOWN and command not in _SECRET:
            data["payload"] = str(event.payload)[:200]
        self._timeline.record("osdp", self.name, command.name, **data)

    def _reports_taken(self) -> None:
        with self._queue_lock:
            pending = self.state.pending_events()
            while len(self._queued) > pending:
                reply, bits = self._queued.popleft()
                if reply == "RAW":
                    self._timeline.record("osdp", self.name, reply, bits=bits)
                else:
                    self._timeline.record("osdp", self.name, reply)


class _WatchedLink:
    """A link that calls ``sent()`` after each write (a reply has left the reader)."""

    def __init__(self, link: Link, sent: Callable[[], None]) -> None:
        self._link = link
        self._sent = sent

    @property
    def baud_rate(self) -> int:
        return self._link.baud_rate

    @baud_rate.setter
    def baud_rate(self, value: int) -> None:
        self._link.baud_rate = value

    def read(self, timeout: float) -> bytes:
        return self._link.read(timeout)

    def write(self, data: bytes) -> None:
        self._link.write(data)
        self._sent()

    def interrupt(self) -> None:
        self._link.interrupt()

    def close(self) -> None:
        self._link.close()
