"""The virtual rig's sensors: a light sensor that sees the strobe, a microphone that hears it.

A :class:`Waveform` says what a sensor's output does: off, on, or blinking. The light
sensor follows what the simulated strobe's light plays (:func:`light_waveform`):

- nothing, or the pattern ``Off``: off;
- ``Steady``: on;
- every other pattern flashes: the pattern's cycle (``period_s`` of
  :mod:`axisctl.sim.sirenlight.patterns`, divided by the ``speed`` it plays at) holds one
  flash, or three or four for the ``... 3x`` and ``... 4x`` patterns, each flash on for half
  its share of the cycle.

The microphone is on while the siren sounds (any pattern but ``Off``; the siren is silent
in maintenance mode). A :class:`SensorDriver` turns a waveform into level changes on a
thread of its own, handed to a callback (the device-to-Pi bridge).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axisctl.sim.sirenlight.patterns import LIGHT_PATTERNS

__all__ = ["SensorDriver", "Waveform", "light_waveform", "siren_waveform"]

#: The light patterns that do not flash.
STEADY_PATTERNS = frozenset({"Steady"})


@dataclass(frozen=True)
class Waveform:
    """Off (``on_s`` 0), steady on (``off_s`` 0), or blinking ``on_s`` on, ``off_s`` off."""

    on_s: float
    off_s: float

    @property
    def steady(self) -> bool:
        return self.on_s > 0 and self.off_s == 0

    @property
    def dark(self) -> bool:
        return self.on_s == 0

    @property
    def period_s(self) -> float:
        return self.on_s + self.off_s


OFF = Waveform(0.0, 0.0)
ON = Waveform(1.0, 0.0)


def light_waveform(pattern: str | None, settings: dict[str, Any] | None = None) -> Waveform:
    """What a light sensor sees while ``pattern`` plays with ``settings`` (its speed)."""
    if pattern is None or pattern == "Off":
        return OFF
    if pattern in STEADY_PATTERNS:
        return ON
    spec = LIGHT_PATTERNS.get(pattern)
    period = float(spec.period_s) if spec is not None else 1.0
    speed = (settings or {}).get("speed", spec.default_speed if spec is not None else 1)
    if not isinstance(speed, int) or isinstance(speed, bool) or speed < 1:
        speed = 1
    flashes = 4 if "4x" in pattern else 3 if "3x" in pattern else 1
    share = period / speed / flashes
    return Waveform(share / 2, share / 2)


def siren_waveform(pattern: str | None) -> Waveform:
    """What a microphone hears while the siren plays ``pattern``."""
    return OFF if pattern is None or pattern == "Off" else ON


class SensorDriver:
    """Plays a :class:`Waveform` as level changes: ``output(True)`` on, ``output(False)`` off.

    :meth:`show` switches waveforms at once (a blinking one starts with its "on" half, as
    a strobe's flash starts when the pattern starts). Only changes are passed on.
    """

    def __init__(self, name: str, output: Callable[[bool], None]) -> None:
        self.name = name
        self._output = output
        self._cond = threading.Condition()
        self._wave = OFF
        self._since = time.monotonic()
        self._level = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"hil-sensor-{name}", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"<SensorDriver {self.name}: {self._wave}>"

    @property
    def waveform(self) -> Waveform:
        with self._cond:
            return self._wave

    def show(self, wave: Waveform) -> None:
        """Play ``wave`` from now (a no-op when it already plays)."""
        with self._cond:
            if wave == self._wave:
                return
            self._wave = wave
            self._since = time.monotonic()
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(5)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                level, wait = self._now(time.monotonic())
                if level != self._level:
                    self._level = level
                    self._output(level)
                self._cond.wait(wait)

    def _now(self, now: float) -> tuple[bool, float | None]:
        """The level at ``now`` and how long it lasts (``None``: until the wave changes)."""
        wave = self._wave
        if wave.dark:
            return False, None
        if wave.steady:
            return True, None
        phase = (now - self._since) % wave.period_s
        if phase < wave.on_s:
            return True, wave.on_s - phase
        return False, wave.period_s - phase
