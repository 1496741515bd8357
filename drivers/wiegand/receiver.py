"""Receive Wiegand frames on two GPIO inputs with gpiozero.

Pin callbacks only queue the edge with its timestamp; a worker thread decodes the edges
(:class:`~axisctl.drivers.wiegand.edges.EdgeDecoder`) and ends a frame once the lines have
been quiet for ``frame_gap_ms``. That works the same whether the edges come from a gpiozero
background thread (lgpio, pigpio) or, with gpiozero's MockFactory, synchronously from the
thread that drives the pins: the frame end never depends on a further edge arriving.

Edge timestamps are the pin backend's (kernel timestamps with lgpio, the daemon's
microsecond ticks with pigpio), so measured pulse widths do not suffer from the callback
thread's latency. The receiver needs a backend that reports the level of each edge: lgpio,
pigpio and the mock factory do; RPi.GPIO reads the level after the fact, which is wrong for
50 us pulses.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from axisctl.drivers.wiegand.edges import DEFAULT_BIT_COUNTS, EdgeDecoder, Outcome, ReceivedFrame
from axisctl.drivers.wiegand.errors import WiegandError, WiegandLengthError
from axisctl.drivers.wiegand.timing import DEFAULT_RECEIVER_GAP_MS, check_frame_gap
from axisctl.errors import ConfigurationError, InvalidSettingValueError

__all__ = ["PinSpec", "ReceivedFrame", "ReceiverStats", "WiegandReceiver"]

log = logging.getLogger(__name__)

#: A gpiozero pin: a BCM number (17) or a name ("GPIO17", "BOARD11").
PinSpec = int | str

#: Frames kept for :meth:`WiegandReceiver.get` when there is no ``on_frame`` callback.
_BACKLOG = 256


@dataclass(frozen=True)
class ReceiverStats:
    """What a receiver has seen since it was opened."""

    frames: int = 0
    #: Pulses shorter than ``min_pulse_us``, dropped.
    glitches: int = 0
    #: Frames of a bit count not in ``bit_counts`` (truncated frames, noise).
    length_errors: int = 0
    #: Frames dropped for overlapping pulses, a stuck line or too many bits.
    signal_errors: int = 0
    #: Frames dropped because nobody took them from the backlog.
    dropped: int = 0
    #: Exceptions raised by ``on_frame``/``on_error`` (logged, then ignored).
    callback_errors: int = 0


class WiegandReceiver:
    """Frames from a Wiegand reader on ``d0_pin`` and ``d1_pin``.

    Each frame goes to ``on_frame`` (called on the receiver's worker thread) or, without
    it, to a backlog read with :meth:`get`. A frame that cannot be trusted (truncated,
    overlapping pulses, a stuck line) goes to ``on_error`` as a typed
    :class:`~axisctl.drivers.wiegand.errors.WiegandError` and is counted in :attr:`stats`;
    nothing a reader sends makes the receiver fail.

    - ``frame_gap_ms``: silence that ends a frame (default 25 ms, longer than the longest
      SIA pulse interval).
    - ``bit_counts``: frame lengths to accept (default 4, 8, 26, 34, 37); ``None`` for any.
    - ``min_pulse_us``: shorter pulses are glitches and are dropped (default 10 us).
    - ``inverted``: the pin reads high while the line is active (an opto-coupler or
      transistor between line and pin inverts). The internal pull is then down, not up.

    Close it (or use it as a context manager) to stop the worker and release the pins.
    """

    def __init__(
        self,
        d0_pin: PinSpec,
        d1_pin: PinSpec,
        *,
        on_frame: Callable[[ReceivedFrame], object] | None = None,
        on_error: Callable[[WiegandError], object] | None = None,
        frame_gap_ms: float = DEFAULT_RECEIVER_GAP_MS,
        bit_counts: Collection[int] | None = DEFAULT_BIT_COUNTS,
        min_pulse_us: float = 10.0,
        max_bits: int = 256,
        inverted: bool = False,
        pin_factory: Any = None,
    ) -> None:
        check_frame_gap(frame_gap_ms)
        if not 0 <= min_pulse_us <= 1000:
            raise InvalidSettingValueError(
                f"min_pulse_us {min_pulse_us!r} is outside 0-1000 us",
                field="min_pulse_us",
                value=min_pulse_us,
            )
        if not 1 <= max_bits <= 4096:
            raise InvalidSettingValueError(
                f"max_bits {max_bits!r} is outside 1-4096", field="max_bits", value=max_bits
            )
        if d0_pin == d1_pin:
            raise InvalidSettingValueError(
                "D0 and D1 must be different pins", field="d1_pin", value=d1_pin
            )
        from gpiozero import InputDevice

        self._on_frame = on_frame
        self._on_error = on_error
        self._gap_s = frame_gap_ms / 1000
        self._inverted = inverted
        self._lock = threading.Lock()
        # Two conditions on one lock: the worker waits for edges, get() for frames.
        self._wake = threading.Condition(self._lock)
        self._frame_ready = threading.Condition(self._lock)
        self._worker_idle = False
        self._batch = 4 * max_bits + 16
        self._edges: deque[tuple[int, bool, float]] = deque()
        self._last_arrival = 0.0
        self._closing = False
        self._backlog: deque[ReceivedFrame] = deque()
        self._counts = dict.fromkeys(ReceiverStats.__dataclass_fields__, 0)
        self.last_error: WiegandError | None = None

        self._d0 = InputDevice(d0_pin, pull_up=not inverted, pin_factory=pin_factory)
        try:
            self._d1 = InputDevice(d1_pin, pull_up=not inverted, pin_factory=pin_factory)
        except BaseException:
            self._d0.close()
            raise
        self._decoder = EdgeDecoder(
            frame_gap_s=self._gap_s,
            min_pulse_s=min_pulse_us / 1e6,
            max_bits=max_bits,
            bit_counts=bit_counts,
            ticks_diff=self._d0.pin_factory.ticks_diff,
        )
        self._worker = threading.Thread(target=self._run, name="wiegand-receiver", daemon=True)
        self._worker.start()
        for device, handler in ((self._d0, self._d0_changed), (self._d1, self._d1_changed)):
            device.pin.edges = "both"
            device.pin.when_changed = handler

    def __repr__(self) -> str:
        pins = f"d0={self._d0.pin.info.name}, d1={self._d1.pin.info.name}"
        return f"WiegandReceiver({pins}, frame_gap_ms={self._gap_s * 1000:g})"

    # --- pin callbacks: any thread, as short as possible -----------------------------------

    def _d0_changed(self, ticks: float, state: object) -> None:
        self._edge(0, ticks, state)

    def _d1_changed(self, ticks: float, state: object) -> None:
        self._edge(1, ticks, state)

    def _edge(self, line: int, ticks: float, state: object) -> None:
        if state not in (0, 1):
            return  # lgpio reports watchdog timeouts as level 2: not an edge
        active = bool(state) == self._inverted
        with self._lock:
            self._edges.append((line, active, ticks))
            self._last_arrival = time.monotonic()
            # Wake the worker for a frame's first edge only (it then sleeps until the gap
            # has passed), or when edges pile up: waking it on every edge would make it
            # compete for the GIL with a software-timed transmitter in this process.
            if self._worker_idle or len(self._edges) >= self._batch:
                self._worker_idle = False
                self._wake.notify()

    # --- the worker --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._closing:
                    if not self._edges and not self._decoder.busy:
                        self._worker_idle = True
                        self._wake.wait()
                        continue
                    remaining = self._last_arrival + self._gap_s - time.monotonic()
                    if remaining <= 0 or len(self._edges) >= self._batch:
                        break
                    self._wake.wait(remaining)
                if self._closing:
                    return
                self._worker_idle = False
                edges = list(self._edges)
                self._edges.clear()
                last_arrival = self._last_arrival
            outcomes: list[Outcome] = []
            for line, active, ticks in edges:
                outcomes.extend(self._decoder.edge(line, active, ticks))
            if self._decoder.busy and time.monotonic() - last_arrival >= self._gap_s:
                outcomes.extend(self._decoder.silence())
            for outcome in outcomes:
                self._deliver(outcome)

    def _deliver(self, outcome: Outcome) -> None:
        if isinstance(outcome, ReceivedFrame):
            self._count("frames")
            if self._on_frame is None:
                with self._lock:
                    if len(self._backlog) >= _BACKLOG:
                        self._backlog.popleft()
                        self._counts["dropped"] += 1
                    self._backlog.append(outcome)
                    self._frame_ready.notify_all()
                return
            self._call(self._on_frame, outcome)
            return
        self._count("length_errors" if isinstance(outcome, WiegandLengthError) else "signal_errors")
        self.last_error = outcome
        if self._on_error is not None:
            self._call(self._on_error, outcome)

    def _call(self, callback: Callable[[Any], object], argument: object) -> None:
        try:
            callback(argument)
        except Exception:
            # Logged without the frame: it may carry a PIN.
            log.exception("Wiegand receiver callback %r failed", callback)
            self._count("callback_errors")

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    # --- the public side ---------------------------------------------------------------

    @property
    def stats(self) -> ReceiverStats:
        with self._lock:
            counts = dict(self._counts)
        counts["glitches"] = self._decoder.glitches
        return ReceiverStats(**counts)

    def get(self, timeout: float | None = None) -> ReceivedFrame:
        """The oldest frame not yet taken; waits up to ``timeout`` seconds (``None``: for ever).

        Raises :class:`TimeoutError` when none arrives in time. Only for receivers without
        ``on_frame`` (those hand every frame to the callback instead).
        """
        if self._on_frame is not None:
            raise ConfigurationError("this receiver hands frames to on_frame; get() has none")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while not self._backlog:
                if self._closing:
                    raise ConfigurationError("the receiver is closed")
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(f"no Wiegand frame within {timeout:g} s")
                self._frame_ready.wait(remaining)
            return self._backlog.popleft()

    @property
    def closed(self) -> bool:
        return self._closing

    def close(self) -> None:
        """Stop the worker (a frame in progress is discarded) and release both pins."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            self._wake.notify_all()
            self._frame_ready.notify_all()
        for device in (self._d0, self._d1):
            device.pin.when_changed = None
        if threading.current_thread() is not self._worker:
            self._worker.join()
        self._d0.close()
        self._d1.close()

    def __enter__(self) -> WiegandReceiver:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
