"""Time for simulated devices: real, or manual so that tests advance it instead of sleeping.

Every timed behaviour of a simulated device — output pulses, state sequences, virtual input
durations, siren and light durations, maintenance periods, restarts — is a timer on a
:class:`SimClock`. A real clock fires timers from its own thread as time passes. A manual
clock stands still until :meth:`SimClock.advance` moves it; timers then fire in deadline
order, each with the clock reading exactly its deadline, so a 30-second profile ends at
t + 30 even when the test jumps an hour at once.

The clock's lock is also the lock of every device that uses the clock: HTTP handlers, the
test-control surface and timer callbacks all change device state under it, so no callback
ever sees a half-applied change.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(order=True)
class Timer:
    """A pending callback; :meth:`cancel` it to keep it from firing."""

    deadline: float
    sequence: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class SimClock:
    """Monotonic seconds plus timers. ``manual=True`` freezes time until :meth:`advance`."""

    def __init__(self, *, manual: bool = False) -> None:
        self.manual = manual
        self.lock = threading.RLock()
        self._wake = threading.Condition(self.lock)
        self._timers: list[Timer] = []
        self._sequence = itertools.count()
        self._origin = time.monotonic()
        self._wall_origin = time.time()
        self._manual_now = 0.0
        self._thread: threading.Thread | None = None
        self._closed = False

    def __repr__(self) -> str:
        kind = "manual" if self.manual else "real"
        return f"<SimClock {kind} t={self.now():.3f} timers={self.pending()}>"

    def now(self) -> float:
        """Seconds since the clock was created."""
        if self.manual:
            return self._manual_now
        return time.monotonic() - self._origin

    def wall(self) -> float:
        """Unix time on this clock: real time at creation plus the clock's seconds.

        Timestamps a device reports (health check, events) use it, so that they move with a
        manual clock too.
        """
        return self._wall_origin + self.now()

    def wall_at(self, reading: float) -> float:
        """The Unix time of an earlier reading of :meth:`now` (event timestamps)."""
        return self._wall_origin + reading

    def pending(self) -> int:
        with self.lock:
            return sum(1 for timer in self._timers if not timer.cancelled)

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.call_at(self.now() + max(0.0, delay), callback)

    def call_at(self, deadline: float, callback: Callable[[], None]) -> Timer:
        with self.lock:
            if self._closed:
                raise RuntimeError("the clock is closed")
            timer = Timer(deadline, next(self._sequence), callback)
            heapq.heappush(self._timers, timer)
            if not self.manual:
                self._ensure_thread()
                self._wake.notify_all()
            return timer

    def advance(self, seconds: float) -> None:
        """Move a manual clock forward, firing every timer that falls due on the way."""
        if not self.manual:
            raise RuntimeError("only a manual clock can be advanced; create SimClock(manual=True)")
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self.lock:
            target = self._manual_now + seconds
            while True:
                timer = self._pop_due(target)
                if timer is None:
                    break
                self._manual_now = max(self._manual_now, timer.deadline)
                timer.callback()
            self._manual_now = target

    def close(self) -> None:
        """Drop pending timers and stop the timer thread of a real clock."""
        with self.lock:
            self._closed = True
            self._timers.clear()
            self._wake.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _pop_due(self, limit: float) -> Timer | None:
        while self._timers:
            timer = self._timers[0]
            if timer.cancelled:
                heapq.heappop(self._timers)
                continue
            if timer.deadline > limit:
                return None
            return heapq.heappop(self._timers)
        return None

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="axisctl-sim-clock", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        with self.lock:
            while not self._closed:
                timer = self._pop_due(self.now())
                if timer is not None:
                    try:
                        timer.callback()
                    except Exception:
                        import logging

                        logging.getLogger(__name__).exception("simulator timer failed")
                    continue
                live = [t for t in self._timers if not t.cancelled]
                timeout = max(0.0, live[0].deadline - self.now()) if live else None
                self._wake.wait(timeout=timeout)
