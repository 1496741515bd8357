"""The virtual rig's wiring: mock pins between the Pi and the simulators, and the bridges.

Two sides, each a gpiozero ``MockFactory``:

- **the Pi**: the factory every bench line is opened with. A line the Pi drives is a
  ``MockConnectedPin`` wired to a pin on the device's side; a line the Pi reads is a
  :class:`DrivenPin` that the device's side drives.
- **each simulated device** has a ``MockFactory`` of its own standing for its connectors,
  so its pin numbers never collide with the Pi's: the pin of I/O port *n* is ``GPIO<3+n>``
  (port 1 is GPIO4; GPIO2 and GPIO3 have fixed pull-ups on a Pi and are skipped), and the
  reader connector's Wiegand D0/D1 are ``GPIO26``/``GPIO27``.

Edges cross between the sides through a :class:`Bridge`: a thread of its own that applies
queued changes in order after a small random delay, as the callbacks of real GPIO and
a real device's I/O arrive late and on other threads. Wiegand lines alone are wired pin to
pin (:class:`WirePin`), synchronously: their 50 us pulses would not survive a bridge.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from gpiozero.pins.mock import MockPin

__all__ = [
    "DEVICE_WIEGAND_PINS",
    "Bridge",
    "DrivenPin",
    "WirePin",
    "device_port_pin",
]

logger = logging.getLogger(__name__)

#: The device-side pins of the reader connector's Wiegand D0 and D1.
DEVICE_WIEGAND_PINS = (26, 27)
#: Bounds of the random delay a bridge adds to each change, in seconds.
DEFAULT_DELAY = (0.0005, 0.004)


def device_port_pin(port: int) -> int:
    """The device-side mock pin (its GPIO number) of I/O port ``port`` (1-based)."""
    if not 1 <= port <= 22:
        raise ValueError(f"no device-side mock pin for port {port}")
    return 3 + port


class DrivenPin(MockPin):  # type: ignore[misc]
    """A Pi input pin something outside drives: a driven level beats the pin's pull.

    gpiozero's ``MockPin`` moves to its pull whenever the pull is set (as a
    ``DigitalInputDevice`` does when it opens the pin); a real line driven by a device's
    output stays where the device holds it.
    """

    def __init__(self, factory: Any, info: Any) -> None:
        super().__init__(factory, info)
        self.driven: bool | None = None

    def drive(self, high: bool) -> None:
        """Hold the line high or low (callbacks fire on a change)."""
        self.driven = high
        if high:
            self.drive_high()
        else:
            self.drive_low()

    def _set_pull(self, value: str) -> None:
        super()._set_pull(value)
        if self.driven is not None and self._state != self.driven:
            self._change_state(self.driven)


class WirePin(MockPin):  # type: ignore[misc]
    """A Pi output pin wired straight to a device-side input pin, optionally through an
    inverting stage (an optocoupler's transistor pulls the far line low when lit)."""

    def __init__(
        self, factory: Any, info: Any, input_pin: Any = None, invert: bool = False
    ) -> None:
        super().__init__(factory, info)
        self.input_pin = input_pin
        self.invert = invert

    def _change_state(self, value: bool) -> bool:
        if self.input_pin is not None and self._function == "output":
            far = bool(value) != self.invert
            if far:
                self.input_pin.drive_high()
            else:
                self.input_pin.drive_low()
        changed: bool = super()._change_state(value)
        return changed


class Bridge:
    """Applies changes in the order queued, each after a random delay within ``delay``.

    ``put`` is safe from any thread, including a simulator's under its device lock (it
    never blocks). :meth:`drain` waits until everything queued so far has been applied.
    """

    def __init__(self, name: str, *, delay: tuple[float, float] = DEFAULT_DELAY) -> None:
        low, high = delay
        if not 0 <= low <= high <= 1:
            raise ValueError(f"bridge delay must be 0 <= low <= high <= 1 s, got {delay}")
        self.name = name
        self._delay = delay
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._random = random.Random()
        self._thread = threading.Thread(target=self._run, name=f"hil-{name}", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"<Bridge {self.name}: {self._queue.qsize()} queued>"

    def put(self, change: Callable[[], None]) -> None:
        self._queue.put(change)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until every change queued so far is applied; ``False`` on timeout."""
        done = threading.Event()
        self._queue.put(done.set)
        return done.wait(timeout)

    def close(self) -> None:
        """Apply what is queued, then stop the thread."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(10)

    def _run(self) -> None:
        while True:
            change = self._queue.get()
            if change is None:
                return
            low, high = self._delay
            if high > 0:
                time.sleep(self._random.uniform(low, high))
            try:
                change()
            except Exception:
                logger.exception("%s: a change could not be applied", self.name)
