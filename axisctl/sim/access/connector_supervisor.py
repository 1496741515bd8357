"""Starting and stopping the reader connector's OSDP control panel without waiting for it.

Settings changes and restarts happen under the device lock, where nothing may wait for a
control panel's thread: that thread may itself be waiting for the lock to report a card. So
:meth:`OsdpSupervisor.want` only records which control panel should run, and the
supervisor's own thread stops the old one (joining its thread) and starts the new one.

Wishes are counted, not compared: turning the reader off and on again before the thread
looked (a restart whose end follows at once on a manual clock) still starts a fresh control
panel, as a real restart would.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from axisctl.drivers.osdp import CpTimings, PdConfig, PtyPair
from axisctl.errors import AxisError
from axisctl.sim.access.connector_osdp import OsdpSession

if TYPE_CHECKING:
    from axisctl.sim.access.reader import IntercomAccess

logger = logging.getLogger(__name__)


class OsdpSupervisor:
    """Runs at most one :class:`OsdpSession` for ``access``, the one last wanted."""

    def __init__(self, access: IntercomAccess) -> None:
        self._access = access
        self._cond = threading.Condition()
        self._wanted: tuple[PdConfig, PtyPair, CpTimings] | None = None
        self._generation = 0
        self._session: OsdpSession | None = None
        self._session_generation = -1
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def wanted(self) -> PdConfig | None:
        """The reader configuration a control panel should run for, if any."""
        with self._cond:
            return None if self._wanted is None else self._wanted[0]

    def want(self, config: PdConfig | None, pty: PtyPair | None, timings: CpTimings) -> None:
        """A control panel for ``config`` on ``pty`` (none for ``None``); never waits."""
        with self._cond:
            if self._closed:
                return
            self._wanted = None if config is None or pty is None else (config, pty, timings)
            self._generation += 1
            if self._thread is None and self._wanted is not None:
                self._thread = threading.Thread(
                    target=self._run,
                    name=f"axisctl-sim-reader-{self._access.device.serial}",
                    daemon=True,
                )
                self._thread.start()
            self._cond.notify_all()

    def current(self) -> OsdpSession | None:
        """The running session if it is the one wanted now."""
        with self._cond:
            if self._session_generation != self._generation:
                return None
            return self._session

    def close(self) -> None:
        """Stop the control panel and the thread, joining both; never under the device lock."""
        with self._cond:
            self._closed = True
            self._wanted = None
            self._generation += 1
            thread = self._thread
            self._cond.notify_all()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        running: OsdpSession | None = None
        done = -1
        while True:
            with self._cond:
                while not self._closed and self._generation == done:
                    self._cond.wait()
                wanted, closed, done = self._wanted, self._closed, self._generation
            if running is not None:
                with self._cond:
                    self._session = None
                running.stop()
                running = None
            if wanted is not None:
                config, pty, timings = wanted
                try:
                    running = OsdpSession(self._access, pty, config, timings)
                except (AxisError, OSError) as error:
                    # Out of descriptors, say: stay "connecting" until the next change.
                    logger.error("%s: no control panel: %s", self._access.device.serial, error)
                else:
                    with self._cond:
                        self._session, self._session_generation = running, done
                    running.start()
            if closed:
                return
