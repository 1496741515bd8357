"""Virtual inputs of a simulated device: ports 1..N, high or low, optional auto-deactivate.

CONTRACT (other components rely on these names):

- ``VirtualInputs(count, clock, bus)``; ``activate(port, duration=None) -> bool`` and
  ``deactivate(port) -> bool`` return whether the state changed; ``is_active(port)``;
  ``reset()`` sets every port low (a restart).
- A port outside 1..count raises :class:`VirtualInputNotFound` (VAPIX error 20), a bad
  duration :class:`InvalidDuration` (error 50); both before anything changes.
- Changes publish ``TOPIC_VIRTUAL_INPUT`` with source ``{"port": "<1-based>"}`` and data
  ``{"active": "1" | "0"}``, only when the state changes.

Durations follow the virtual input API: the port goes low ``duration`` seconds after the
call, also when it was already high; ``duration=0`` is a pulse (high, then low at once).
The last call on a port decides: a new activation replaces a pending auto-deactivate (an
activation without duration keeps the port high for good), a deactivation cancels it.
"""

from __future__ import annotations

import math

from axisctl.sim.bus import TOPIC_VIRTUAL_INPUT, EventBus, SimEvent
from axisctl.sim.clock import SimClock, Timer

#: The longest duration accepted, in seconds: the range of a signed 32-bit field, which is
#: what firmware most likely stores it in (the API documents no limit).
MAX_DURATION = 2**31 - 1


class VirtualInputNotFound(LookupError):
    """The device has no virtual input with this port number."""


class InvalidDuration(ValueError):
    """The duration is not a number of seconds from 0 to :data:`MAX_DURATION`."""


class VirtualInputs:
    """The ports of one device. Every method takes the clock's lock (the device lock)."""

    def __init__(self, count: int, clock: SimClock, bus: EventBus) -> None:
        if count < 0:
            raise ValueError(f"count must be 0 or more, got {count}")
        self.count = count
        self.clock = clock
        self.bus = bus
        self._lock = clock.lock
        self._active: set[int] = set()
        self._timers: dict[int, Timer] = {}

    def __repr__(self) -> str:
        return f"<VirtualInputs count={self.count} active={self.active_ports()}>"

    def activate(self, port: int, duration: float | None = None) -> bool:
        """Set ``port`` high; with ``duration``, set it low again that many seconds later."""
        with self._lock:
            self._check_port(port)
            if duration is not None:
                _check_duration(duration)
            self._cancel_timer(port)
            changed = self._set(port, True)
            if duration == 0:
                self._set(port, False)
            elif duration is not None:
                self._timers[port] = self._schedule(port, duration)
            return changed

    def deactivate(self, port: int) -> bool:
        """Set ``port`` low and forget any pending auto-deactivate."""
        with self._lock:
            self._check_port(port)
            self._cancel_timer(port)
            return self._set(port, False)

    def is_active(self, port: int) -> bool:
        with self._lock:
            self._check_port(port)
            return port in self._active

    def active_ports(self) -> list[int]:
        with self._lock:
            return sorted(self._active)

    def deactivates_at(self, port: int) -> float | None:
        """Clock time of the pending auto-deactivate of ``port``, ``None`` if there is none."""
        with self._lock:
            self._check_port(port)
            timer = self._timers.get(port)
            return None if timer is None else timer.deadline

    def reset(self) -> None:
        """Every port low, no pending auto-deactivate: the state after a restart.

        Ports that were high publish their fall, so that whoever keeps state from the bus
        (rules, event subscribers) does not keep seeing them high.
        """
        with self._lock:
            for port in list(self._timers):
                self._cancel_timer(port)
            for port in sorted(self._active):
                self._set(port, False)

    def _check_port(self, port: int) -> None:
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= self.count:
            raise VirtualInputNotFound(f"virtual input {port!r} does not exist (1..{self.count})")

    def _set(self, port: int, active: bool) -> bool:
        if (port in self._active) == active:
            return False
        if active:
            self._active.add(port)
        else:
            self._active.discard(port)
        self.bus.publish(
            SimEvent(
                topic=TOPIC_VIRTUAL_INPUT,
                source={"port": str(port)},
                data={"active": "1" if active else "0"},
                time=self.clock.now(),
            )
        )
        return True

    def _cancel_timer(self, port: int) -> None:
        timer = self._timers.pop(port, None)
        if timer is not None:
            timer.cancel()

    def _schedule(self, port: int, duration: float) -> Timer:
        timer: Timer | None = None

        def expire() -> None:
            with self._lock:
                # A timer cancelled after it was popped for firing must still do nothing.
                if timer is None or self._timers.get(port) is not timer:
                    return
                del self._timers[port]
                self._set(port, False)

        timer = self.clock.call_later(duration, expire)
        return timer


def _check_duration(duration: float) -> None:
    if (
        isinstance(duration, bool)
        or not isinstance(duration, (int, float))
        or not math.isfinite(duration)
        or not 0 <= duration <= MAX_DURATION
    ):
        raise InvalidDuration(f"duration must be 0..{MAX_DURATION} seconds, got {duration!r}")
