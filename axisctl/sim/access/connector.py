"""The simulated intercom's reader connector: a real pty for OSDP, GPIO lines for Wiegand.

On the device the connector's pins 3 and 4 carry RS-485 A/B to an external OSDP reader
("Use external OSDP reader"). In the simulator (``device.access.reader_connector``):

- **OSDP**: the connector is a pseudo-terminal (:attr:`ReaderConnector.path`, opened on
  first use and kept until the device closes, so a reader stays attached across setting
  changes). While the external reader is on and the device is up, the intercom runs an OSDP
  control panel on it, polling the configured OSDP address, plainly or with the secure
  channel key given to :meth:`ReaderConnector.set_osdp_key`. Turning the setting off,
  changing the address or key, and restarting the device stop that control panel (the
  reader sees its polls stop) and start a new one as needed.
- **Wiegand**: :meth:`ReaderConnector.attach_wiegand` puts a receiver on two gpiozero pins
  (:mod:`~axisctl.sim.access.connector_wiegand`).

:attr:`ReaderConnector.status` is the manual's connection status: ``connected``,
``connecting`` or ``not connected`` ("OSDP is turned off").

Settings changes and restarts happen under the device lock, so :meth:`ReaderConnector.update`
only records which control panel should run; a supervisor thread
(:mod:`~axisctl.sim.access.connector_supervisor`) starts and stops it.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from axisctl.drivers.osdp import CpTimings, PdConfig, PtyPair, check_scbk
from axisctl.drivers.wiegand.timing import DEFAULT_RECEIVER_GAP_MS
from axisctl.errors import ConfigurationError
from axisctl.sim.access.connector_supervisor import OsdpSupervisor
from axisctl.sim.access.connector_wiegand import DEFAULT_WIEGAND_PINS, WiegandInput, WiegandPins
from axisctl.sim.bus import TOPIC_SYSTEM_READY, SimEvent

if TYPE_CHECKING:
    from axisctl.sim.access.reader import IntercomAccess

logger = logging.getLogger(__name__)


class ConnectorStatus(enum.Enum):
    """The external reader's status as the manual names it."""

    #: "The device is connected to the active external reader."
    CONNECTED = "connected"
    #: "The device is trying to connect to the external reader."
    CONNECTING = "connecting"
    #: "OSDP is turned off" (or the device is restarting).
    NOT_CONNECTED = "not connected"


class ReaderConnector:
    """The reader connector of one simulated intercom (``device.access.reader_connector``).

    ``timings`` are the control panel's (:class:`~axisctl.drivers.osdp.CpTimings`); a change
    applies to the next control panel started. Close it (the device's ``close`` does) to stop
    the control panel, release the pins and close the pty; never with the device lock held.
    """

    def __init__(self, access: IntercomAccess) -> None:
        self.timings = CpTimings()
        self._access = access
        self._cond = threading.Condition()
        self._pty: PtyPair | None = None
        self._scbk: bytes | None = None
        self._install_mode = False
        self._supervisor = OsdpSupervisor(access)
        self._wiegand: WiegandInput | None = None
        #: Why the pty could not be opened, if it could not.
        self._pty_error: str | None = None
        #: Whether OSDP is on (the external reader on and the device up).
        self._wants_osdp = False
        self._closed = False
        self._unsubscribe = access.device.bus.subscribe(self._on_bus_event)

    def __repr__(self) -> str:
        return f"<ReaderConnector {self.path or '(no pty yet)'}: {self.status.value}>"

    # --- the pty and the OSDP control panel ---------------------------------------------------

    @property
    def path(self) -> str | None:
        """The pty a reader opens (``/dev/pts/N``); ``None`` until :meth:`open`."""
        with self._cond:
            return None if self._pty is None else self._pty.port

    def open(self) -> str:
        """Open the pty if it is not open yet (idempotent) and return its path."""
        with self._cond:
            return self._open_pty()

    @property
    def status(self) -> ConnectorStatus:
        with self._cond:
            if not self._wants_osdp:
                return ConnectorStatus.NOT_CONNECTED
        session = self._supervisor.current()
        if session is not None and session.reader().online:
            return ConnectorStatus.CONNECTED
        return ConnectorStatus.CONNECTING

    @property
    def secure(self) -> bool:
        """Whether the reader is connected over the secure channel."""
        session = self._supervisor.current()
        return session is not None and session.reader().secure

    @property
    def last_error(self) -> str | None:
        """Why the reader is not connected, as the control panel last saw it."""
        session = self._supervisor.current()
        if session is not None:
            return session.reader().last_error
        with self._cond:
            return self._pty_error if self._wants_osdp else None

    @property
    def osdp_key_set(self) -> bool:
        """Whether a secure channel key is configured (the key itself is never shown)."""
        with self._cond:
            return self._scbk is not None

    @property
    def install_mode(self) -> bool:
        with self._cond:
            return self._install_mode

    def set_osdp_key(self, scbk: bytes | None, *, install_mode: bool = False) -> None:
        """The secure channel towards the reader: ``scbk`` (16 bytes) and/or ``install_mode``
        (the default key SCBK-D, or, with ``scbk``, giving a new reader that key);
        neither: plaintext. A running control panel restarts with it.
        """
        if scbk is not None:
            check_scbk(scbk)
        with self._cond:
            self._scbk = scbk
            self._install_mode = bool(install_mode)
        self.update()

    def wait_connected(self, timeout: float = 5.0) -> None:
        """Wait until the external reader is connected; :class:`TimeoutError` says why not."""
        deadline = time.monotonic() + timeout
        while self.status is not ConnectorStatus.CONNECTED:
            if time.monotonic() >= deadline:
                status = self.status
                why = self.last_error or "no answer yet"
                detail = why if status is ConnectorStatus.CONNECTING else "OSDP is turned off"
                raise TimeoutError(f"external reader not connected within {timeout:g} s: {detail}")
            time.sleep(0.01)

    def update(self) -> None:
        """Follow the settings and the power state (the device calls it).

        Never waits for a control panel's thread, so it is safe under the device lock.
        """
        access = self._access
        with access.lock:
            settings = access.settings
            on = settings.external_reader and not access.device.restarting
        with self._cond:
            if self._closed:
                return
            config = None
            if on:
                config = PdConfig(
                    settings.osdp_address,
                    scbk=self._scbk,
                    install_mode=self._install_mode,
                    name=f"external reader {settings.osdp_address}",
                )
            if config == self._supervisor.wanted and on == self._wants_osdp:
                return
            self._wants_osdp = on
            if on:
                try:
                    self._open_pty()
                    self._pty_error = None
                except OSError as error:
                    # The settings stand; the reader just cannot connect (like a bad cable).
                    self._pty_error = f"no pty for the reader connector: {error}"
                    logger.error("%s: %s", access.device.serial, self._pty_error)
            self._supervisor.want(config, self._pty, self.timings)

    def factory_default(self) -> None:
        """Forget the secure channel key (the settings were reset by the caller)."""
        with self._cond:
            self._scbk = None
            self._install_mode = False
        self.update()

    # --- Wiegand ------------------------------------------------------------------------------

    @property
    def wiegand(self) -> WiegandInput | None:
        """The attached Wiegand lines (their pins, frames ignored, receiver counters)."""
        with self._cond:
            return self._wiegand

    @property
    def wiegand_pins(self) -> WiegandPins | None:
        """The pins of the attached Wiegand lines, or ``None``."""
        wiegand = self.wiegand
        return None if wiegand is None else wiegand.pins

    def attach_wiegand(
        self,
        pins: tuple[int | str, int | str] = DEFAULT_WIEGAND_PINS,
        *,
        pin_factory: Any = None,
        frame_gap_ms: float = DEFAULT_RECEIVER_GAP_MS,
    ) -> WiegandPins:
        """Listen for a Wiegand reader on gpiozero pins ``pins`` (D0, D1); returns them.

        With gpiozero's ``MockFactory`` wire a transmitter to them with
        :func:`axisctl.drivers.wiegand.connect_mock_lines` (``inputs=`` the returned pins).
        Frames count while the external reader is on, as OSDP polls do. ``frame_gap_ms`` is
        the silence that ends a frame (a software-timed transmitter on a busy machine may
        want more than the default 25 ms).
        """
        wanted = WiegandPins(*pins)
        with self._cond:
            if self._closed:
                raise ConfigurationError("the reader connector is closed")
            if self._wiegand is not None:
                raise ConfigurationError(
                    f"Wiegand lines are attached on {tuple(self._wiegand.pins)}; detach them first"
                )
            self._wiegand = WiegandInput(
                self._access, wanted, pin_factory=pin_factory, frame_gap_ms=frame_gap_ms
            )
        return wanted

    def detach_wiegand(self) -> None:
        """Stop listening on the Wiegand lines and release the pins."""
        with self._cond:
            wiegand, self._wiegand = self._wiegand, None
        if wiegand is not None:
            wiegand.close()

    # --- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the control panel (joining its thread), release the pins, close the pty."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._wants_osdp = False
        self._unsubscribe()
        self._supervisor.close()
        self.detach_wiegand()
        with self._cond:
            pty, self._pty = self._pty, None
        if pty is not None:
            pty.close()

    # --- internals ----------------------------------------------------------------------------

    def _open_pty(self) -> str:
        if self._closed:
            raise ConfigurationError("the reader connector is closed")
        if self._pty is None:
            self._pty = PtyPair()
            logger.info("%s: reader connector on %s", self._access.device.serial, self._pty.port)
        return self._pty.port

    def _on_bus_event(self, event: SimEvent) -> None:
        # The device going down and coming back up (restart): stop and restart polling.
        if event.topic == TOPIC_SYSTEM_READY:
            self.update()
