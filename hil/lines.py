"""The Pi's GPIO lines as the harness drives and reads them, every edge in the timeline.

:class:`OutputLine` wraps a gpiozero ``DigitalOutputDevice`` (a wire the Pi drives, or a
relay board channel's coil); :class:`InputLine` a ``DigitalInputDevice`` (a wire from a
device's output or relay contact, or a sensor module). Both take an explicit
``pin_factory`` (gpiozero's ``MockFactory`` on the virtual rig, lgpio on a Pi), think in
*active* / *inactive* (the far end's state) and leave the level to the rig file's
``active``::

    line = OutputLine("gate-loop", 5, active_level=Level.LOW, safe_level=Level.HIGH,
                      pin_factory=factory, timeline=timeline)
    t0 = line.activate()                  # BCM 5 low: the relay closes the camera's input
    t1 = barrier.wait_for(True, after=t0) # the barrier's contact closed
    timeline.latency("loop -> barrier", t0, t1)

Every edge is recorded in the timeline as a ``gpio`` entry (``source`` the line's name,
``detail`` ``active``/``inactive``, data ``bcm`` and ``level``); an input's edge is stamped
with :func:`time.monotonic` in the callback that reports it, so the time is when the Pi
saw it, not when a test got round to looking.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from axisctl.errors import AxisError
from axisctl.hil.rig_model import Level
from axisctl.hil.timeline import Timeline

__all__ = ["Edge", "HilTimeout", "InputLine", "OutputLine"]


class HilTimeout(AxisError, TimeoutError):
    """Something the harness waited for did not happen in time; the message says what."""


@dataclass(frozen=True)
class Edge:
    """A change of an input line: at timeline ``time`` it became ``active`` (at ``level``)."""

    time: float
    active: bool
    level: Level


def _level_of(active: bool, active_level: Level) -> Level:
    return active_level if active else active_level.inverted()


def _state(active: bool) -> str:
    return "active" if active else "inactive"


class _Line:
    """What both kinds of line have: a name, a BCM number, the active level, a gpiozero device."""

    name: str
    bcm: int
    active_level: Level
    _device: Any

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} BCM {self.bcm} {_state(self.is_active)}>"

    @property
    def is_active(self) -> bool:
        """Whether the far end is active now (the line is at ``active_level``)."""
        return bool(self._device.is_active)

    @property
    def level(self) -> Level:
        return _level_of(self.is_active, self.active_level)


class OutputLine(_Line):
    """A Pi line the harness drives: a wire to a device's input, or a relay channel's coil.

    It starts at ``safe_level``. ``relay`` is the ``board/channel`` it drives, if any (the
    wire through that channel shares this one line). Thread-safe.
    """

    def __init__(
        self,
        name: str,
        bcm: int,
        *,
        active_level: Level,
        safe_level: Level,
        pin_factory: Any,
        timeline: Timeline,
        relay: str | None = None,
    ) -> None:
        from gpiozero import DigitalOutputDevice

        self.name = name
        self.bcm = bcm
        self.active_level = active_level
        self.safe_level = safe_level
        self.relay = relay
        self._timeline = timeline
        # Re-entrant: make_safe may run in a signal handler that interrupted set().
        self._lock = threading.RLock()
        self._device = DigitalOutputDevice(
            bcm,
            active_high=active_level is Level.HIGH,
            initial_value=safe_level is active_level,
            pin_factory=pin_factory,
        )
        self._closed = False
        self._record(self.is_active, initial=True)

    @property
    def safe_active(self) -> bool:
        """Whether the safe level is the active one (an output that must stay on)."""
        return self.safe_level is self.active_level

    def activate(self) -> float:
        """Make the far end active; the timeline time of the edge (now, if it already was)."""
        return self.set(True)

    def deactivate(self) -> float:
        """Make the far end inactive; the timeline time of the edge (now, if it already was)."""
        return self.set(False)

    def set(self, active: bool) -> float:
        """Drive the line active or inactive; returns the timeline time of the change."""
        with self._lock:
            if self._closed:
                raise AxisError(f"output line {self.name} (BCM {self.bcm}) is closed")
            when = self._timeline.now()
            if self.is_active == active:
                return when
            # Stamped before the write: a line wired back to an input sees the edge during it.
            if active:
                self._device.on()
            else:
                self._device.off()
            return self._record(active, when=when)

    def pulse(self, seconds: float) -> tuple[float, float]:
        """Active for ``seconds``, then inactive; the times of both edges.

        The line goes inactive even if the wait is interrupted (Ctrl-C).
        """
        if seconds < 0:
            raise ValueError(f"a pulse lasts 0 s or more, not {seconds:g}")
        start = self.activate()
        try:
            time.sleep(seconds)
        finally:
            end = self.deactivate()
        return start, end

    def make_safe(self) -> None:
        """Back to the safe level (idempotent)."""
        with self._lock:
            if self._closed:
                return
            wanted = self.safe_active
            if self.is_active != wanted:
                when = self._timeline.now()
                if wanted:
                    self._device.on()
                else:
                    self._device.off()
                self._record(wanted, when=when, safe="1")

    def close(self) -> None:
        """Release the pin. Call :meth:`make_safe` first: a released pin is left as it is."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._device.close()

    def _record(self, active: bool, *, when: float | None = None, **extra: Any) -> float:
        return self._timeline.record(
            "gpio",
            self.name,
            _state(active),
            when=when,
            bcm=self.bcm,
            level=_level_of(active, self.active_level).value,
            **extra,
        )


class InputLine(_Line):
    """A Pi line the harness reads: a device's output or relay contact, or a sensor.

    A line active low gets the Pi's pull-up (an open-drain output or a dry contact pulls
    it down), one active high the pull-down (a sensor module drives it). Edges are kept
    (all of them: a run is minutes, not days) and recorded in the timeline.
    """

    def __init__(
        self,
        name: str,
        bcm: int,
        *,
        active_level: Level,
        pin_factory: Any,
        timeline: Timeline,
    ) -> None:
        from gpiozero import DigitalInputDevice

        self.name = name
        self.bcm = bcm
        self.active_level = active_level
        self._timeline = timeline
        self._changed = threading.Condition()
        self._edges: list[Edge] = []
        self._device = DigitalInputDevice(
            bcm, pull_up=active_level is Level.LOW, pin_factory=pin_factory
        )
        self._active = bool(self._device.is_active)
        self._closed = False
        timeline.record(
            "gpio",
            name,
            _state(self._active),
            bcm=bcm,
            level=_level_of(self._active, active_level).value,
            initial=True,
        )
        self._device.when_activated = self._on_activated
        self._device.when_deactivated = self._on_deactivated
        # An edge between the first read and the callbacks' hook-up reached no callback:
        # without this, the line would be seen in its old state until it changed twice.
        self._edge(bool(self._device.is_active), time.monotonic())

    def edges(self, since: float = 0.0) -> list[Edge]:
        """The edges seen at or after timeline time ``since``, oldest first."""
        with self._changed:
            return [edge for edge in self._edges if edge.time >= since]

    def wait_for(
        self, active: bool = True, *, after: float | None = None, timeout: float = 5.0
    ) -> float:
        """The timeline time of the first edge to ``active`` at or after ``after``.

        Without ``after`` it waits from now, and a line already in that state answers at
        once (now). Raises :class:`HilTimeout` naming the line, the state and the wait.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            if after is None:
                if self._active == active:
                    return self._timeline.now()
                after = self._timeline.now()
            while True:
                for edge in self._edges:
                    if edge.time >= after and edge.active == active:
                        return edge.time
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    break
                self._changed.wait(left)
        raise HilTimeout(
            f"input line {self.name} (BCM {self.bcm}) did not go {_state(active)} "
            f"within {timeout:g} s (it is {_state(self.is_active)})"
        )

    def close(self) -> None:
        with self._changed:
            if self._closed:
                return
            self._closed = True
            self._changed.notify_all()
        self._device.when_activated = None
        self._device.when_deactivated = None
        self._device.close()

    # gpiozero calls these on the thread that saw the change (lgpio's alert thread on a
    # Pi, the mock pin's driver on the virtual rig).
    def _on_activated(self) -> None:
        self._edge(True, time.monotonic())

    def _on_deactivated(self) -> None:
        self._edge(False, time.monotonic())

    def _edge(self, active: bool, monotonic: float) -> None:
        level = _level_of(active, self.active_level)
        with self._changed:
            if self._closed or active == self._active:
                return
            self._active = active
            when = self._timeline.at(monotonic)
            self._edges.append(Edge(when, active, level))
            # Recorded under the lock so that the timeline keeps this line's edges in order.
            self._timeline.record(
                "gpio", self.name, _state(active), when=when, bcm=self.bcm, level=level.value
            )
            self._changed.notify_all()
