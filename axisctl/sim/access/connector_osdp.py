"""The reader connector's OSDP side: the intercom polls an external reader over a pty.

With "Use external OSDP reader" on, the simulated intercom is the OSDP control panel of the
reader on its connector. The connector is a real pseudo-terminal: the control panel holds its
controlling end, and a reader (``axisctl osdp reader --port /dev/pts/N``, a
:class:`~axisctl.drivers.osdp.ReaderEmulator`, libosdp) opens the other end like a serial
port. One :class:`OsdpSession` is one control panel run for one configuration (address and
key); :class:`~axisctl.sim.access.connector.ReaderConnector` starts and stops sessions.

Card reads (RAW) become :meth:`IntercomAccess.present_card` calls, key presses (KEYPAD)
:meth:`IntercomAccess.press_keys` calls, each under the device lock, and the decision is shown
on the reader (:mod:`~axisctl.sim.access.connector_feedback`). The callbacks run on the
control panel's thread and never hold the device lock while talking to the reader.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import select
import struct
import termios
from typing import TYPE_CHECKING

from axisctl.apis.access.cards import InvalidCardError
from axisctl.drivers.osdp import (
    CardRead,
    ControlPanel,
    CpEvent,
    CpTimings,
    FdLink,
    KeyPress,
    LedCommand,
    PdConfig,
    PdOffline,
    PdOnline,
    PtyPair,
    ReaderInfo,
    cp_calls,
)
from axisctl.errors import AxisError, TransportError
from axisctl.sim.access.connector_feedback import FeedbackRecord, feedback_for
from axisctl.sim.access.decisions import AccessResult

if TYPE_CHECKING:
    from axisctl.sim.access.reader import IntercomAccess

logger = logging.getLogger(__name__)

#: Bytes the reader's end may hold unread before they count as lost on the bus (see
#: :class:`ConnectorLink`): some hundred frames, far more than a reader that reads lags behind.
STALE_BYTES = 1024


def _unread(fd: int) -> int:
    """Bytes waiting to be read on terminal ``fd`` (0 when it cannot tell)."""
    try:
        return int(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0])
    except OSError:
        return 0


class ConnectorLink:
    """The control panel's end of the connector's pty, behaving like a wire.

    An RS-485 bus keeps no bytes: what no reader listened to is gone. A pty keeps up to
    some kilobytes for the other end and then blocks the writer, so a control panel probing
    an empty connector for long would hang. Before each frame, bytes the reader's end has
    left unread beyond :data:`STALE_BYTES` are dropped; and a new session starts without the
    replies an earlier one left behind.
    """

    def __init__(self, pty: PtyPair, baud_rate: int) -> None:
        self._device_fd = pty.device_fd
        self._controller_fd = pty.controller_fd
        # Reads (and their wake-up) go through FdLink, which makes the descriptor
        # non-blocking; writes are this class's own.
        self._link = FdLink(pty.controller_fd, baud_rate)
        self.baud_rate = baud_rate
        with contextlib.suppress(OSError):
            termios.tcflush(pty.controller_fd, termios.TCIFLUSH)

    def read(self, timeout: float) -> bytes:
        return self._link.read(timeout)

    def write(self, data: bytes) -> None:
        if _unread(self._device_fd) > STALE_BYTES:
            self._drop_unread()
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._controller_fd, view)
            except BlockingIOError:
                # Full, and the count above missed bytes still on their way: drop them too.
                self._drop_unread()
                select.select([], [self._controller_fd], [], 0.05)
                continue
            except OSError as error:
                raise TransportError(f"writing the reader connector failed: {error}") from error
            view = view[written:]

    def _drop_unread(self) -> None:
        with contextlib.suppress(OSError):
            termios.tcflush(self._device_fd, termios.TCIFLUSH)

    def interrupt(self) -> None:
        self._link.interrupt()

    def close(self) -> None:
        self._link.close()


class OsdpSession:
    """One control panel run on the connector for the reader ``config``.

    :meth:`stop` joins the control panel's thread; never call it with the device lock held
    (the thread may be waiting for that lock to report a card).
    """

    def __init__(
        self, access: IntercomAccess, pty: PtyPair, config: PdConfig, timings: CpTimings
    ) -> None:
        self.config = config
        self._access = access
        self._link = ConnectorLink(pty, timings.baud_rate)
        self._panel = ControlPanel(self._link, config, timings=timings, on_event=self._on_event)

    def __repr__(self) -> str:
        return f"<OsdpSession reader {self.config.address} secure={self.config.secure}>"

    def start(self) -> None:
        self._panel.start()

    def stop(self) -> None:
        self._panel.stop()
        self._link.close()

    def reader(self) -> ReaderInfo:
        """What the control panel knows about the reader now."""
        return self._panel.reader(self.config.address)

    # --- on the control panel's thread ------------------------------------------------------

    def _on_event(self, event: CpEvent) -> None:
        serial = self._access.device.serial
        if isinstance(event, CardRead):
            self._show(self._card(event))
        elif isinstance(event, KeyPress):
            self._show(self._keys(event.keys))
        elif isinstance(event, PdOnline):
            secure = "secure channel" if event.secure else "plaintext"
            logger.info("%s: external reader %d online (%s)", serial, event.address, secure)
        elif isinstance(event, PdOffline):
            logger.info("%s: external reader %d offline: %s", serial, event.address, event.reason)

    def _card(self, event: CardRead) -> tuple[FeedbackRecord, ...]:
        access = self._access
        with access.lock:
            try:
                result = access.present_card(data=event.data, bit_count=event.bit_count).result
            except InvalidCardError as error:
                # Refused at the reader like an unknown card: the holder sees red.
                logger.warning("%s: unusable card read: %s", access.device.serial, error)
                result = AccessResult.DENIED
            return feedback_for(result, access.settings)

    def _keys(self, keys: str) -> tuple[FeedbackRecord, ...]:
        # Function keys A-H have no part in PIN entry; digits, * (clear) and # (enter) do.
        usable = "".join(key for key in keys if key.isdigit() or key in "*#")
        if not usable:
            return ()
        access = self._access
        with access.lock:
            decision = access.press_keys(usable)
            return () if decision is None else feedback_for(decision.result, access.settings)

    def _show(self, records: tuple[FeedbackRecord, ...]) -> None:
        """Queue the feedback for the reader; called without the device lock."""
        for record in records:
            call = (
                cp_calls.led(record) if isinstance(record, LedCommand) else cp_calls.buzzer(record)
            )
            try:
                # Queued, not awaited: the reply comes on this very thread.
                self._panel.submit(self.config.address, call)
            except AxisError as error:
                logger.debug("reader feedback not sent: %s", error)
