"""Send Wiegand frames on two GPIO outputs with gpiozero, hardware-timed where possible.

Lines idle high; a 0 is an active-low pulse on D0, a 1 on D1. How exact the pulses are
depends on the pin backend, and each :meth:`WiegandTransmitter.send` says what it achieved
(:class:`TransmitReport`):

- **pigpio** (``PiGPIOFactory``, Raspberry Pi 1-4): the frame is one pigpio *wave*, played
  by the DMA engine: pulse width and interval are exact to the microsecond, whatever the
  Python process does meanwhile. The report gives the programmed timing.
- **every other backend** (lgpio, the only one on the Pi 5; RPi.GPIO; native; the mock
  factory): software timing. The pulse is a busy wait between two pin writes, the interval
  a sleep and then a busy wait. The report gives the timing measured around the pin writes;
  a pre-empted thread shows up there as a long pulse or interval. A 50 us pulse with tens of
  microseconds of jitter stays within the SIA 20-100 us, and the default 2 ms interval
  leaves room on both sides. lgpio's own ``tx_wave`` is thread-timed as well (not DMA) and
  needs the two lines claimed as one group, which gpiozero's per-pin claims prevent.

For exact timing on a Pi 5 use a microcontroller (e.g. an RP2040 PIO) and check any
backend with a loopback into a :class:`~axisctl.drivers.wiegand.receiver.WiegandReceiver`,
which measures the pulses it gets (docs/readers-wiegand.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from axisctl.drivers.wiegand.frame import WiegandFrame
from axisctl.drivers.wiegand.timing import (
    DEFAULT_INTERVAL_US,
    DEFAULT_PULSE_US,
    DEFAULT_TRANSMITTER_GAP_MS,
    FrameTiming,
    check_frame_gap,
    check_pulse_timing,
)
from axisctl.errors import ConfigurationError, InvalidSettingValueError

__all__ = ["Backend", "PinSpec", "TransmitReport", "WiegandTransmitter"]

PinSpec = int | str
Backend = Literal["auto", "software", "pigpio"]

#: A sleep ends this long before its deadline; a busy wait does the rest (sleep overshoots).
_SPIN_S = 0.001


@dataclass(frozen=True)
class TransmitReport:
    """How one frame went out: the backend, whether the hardware timed it, and the timing."""

    backend: str
    hardware_timed: bool
    bit_count: int
    timing: FrameTiming


class _Backend(Protocol):
    name: str
    hardware_timed: bool

    def send(self, bits: Sequence[int], pulse_us: float, interval_us: float) -> FrameTiming: ...


def _wait_until(deadline: float) -> None:
    remaining = deadline - time.perf_counter()
    if remaining > _SPIN_S:
        time.sleep(remaining - _SPIN_S)
    while time.perf_counter() < deadline:
        pass


class _SoftwareBackend:
    """Pin writes timed by this thread: a busy wait for the pulse, sleep plus spin between."""

    name = "software"
    hardware_timed = False

    def __init__(self, d0: Any, d1: Any) -> None:
        self._lines = (d0, d1)

    def send(self, bits: Sequence[int], pulse_us: float, interval_us: float) -> FrameTiming:
        starts: list[float] = []
        widths: list[float] = []
        next_start = time.perf_counter()
        try:
            for bit in bits:
                line = self._lines[bit]
                _wait_until(next_start)
                line.on()
                # Timed from when the write has returned: the line is active by then, so
                # it stays active for at least pulse_us even if this thread was pre-empted
                # inside the write.
                began = time.perf_counter()
                _wait_until(began + pulse_us / 1e6)
                line.off()
                starts.append(began)
                widths.append(time.perf_counter() - began)
                next_start = began + interval_us / 1e6
        finally:
            for line in self._lines:
                line.off()  # never leave a line active, whatever went wrong
        return FrameTiming.from_pulses(starts, widths)


@dataclass(frozen=True)
class _Pulse:
    """pigpio's ``pulse``: GPIO mask switched high, mask switched low, then a delay in us."""

    gpio_on: int
    gpio_off: int
    delay: int


class _PigpioWaveBackend:
    """The frame as one pigpio wave, played by DMA: exact to the microsecond."""

    name = "pigpio-wave"
    hardware_timed = True

    def __init__(self, connection: Any, d0_gpio: int, d1_gpio: int, inverted: bool) -> None:
        self._pi = connection
        self._masks = (1 << d0_gpio, 1 << d1_gpio)
        self._inverted = inverted

    def pulses(self, bits: Sequence[int], pulse_us: int, interval_us: int) -> list[_Pulse]:
        pulses: list[_Pulse] = []
        for bit in bits:
            mask = self._masks[bit]
            # pigpio switches the first mask high and the second low. The line is active
            # low, unless the output stage inverts (then the pin goes high to pull it low).
            activate, release = ((mask, 0), (0, mask)) if self._inverted else ((0, mask), (mask, 0))
            pulses.append(_Pulse(*activate, pulse_us))
            pulses.append(_Pulse(*release, interval_us - pulse_us))
        return pulses

    def send(self, bits: Sequence[int], pulse_us: float, interval_us: float) -> FrameTiming:
        pulse, interval = round(pulse_us), round(interval_us)
        self._pi.wave_add_new()
        self._pi.wave_add_generic(self.pulses(bits, pulse, interval))
        wave = self._pi.wave_create()
        try:
            self._pi.wave_send_once(wave)
            while self._pi.wave_tx_busy():
                time.sleep(0.0005)
        finally:
            self._pi.wave_delete(wave)
        many = len(bits) > 1
        return FrameTiming(pulse, pulse, interval if many else None, interval if many else None)


def _gpio_number(device: Any) -> int:
    name = str(device.pin.info.name)
    if not name.startswith("GPIO"):
        raise ConfigurationError(f"pin {name} is not a GPIO that pigpio can drive")
    return int(name[4:])


class WiegandTransmitter:
    """A Wiegand reader's output on ``d0_pin`` and ``d1_pin``.

    - ``pulse_us`` (20-100) and ``interval_us`` (200-20000, start to start): the SIA ranges.
    - ``frame_gap_ms``: silence kept after each frame before the next one starts; longer
      than the receivers' end-of-frame gap (default 50 ms).
    - ``inverted``: the pin goes high to pull the line low (an NPN transistor or
      opto-coupler output stage, the usual way to drive a 5 V line from a Pi).
    - ``backend``: ``"auto"`` (pigpio waves on a ``PiGPIOFactory``, else software),
      ``"software"``, or ``"pigpio"`` (refused on other factories).

    :meth:`send` is thread-safe: frames from several threads never interleave.
    """

    def __init__(
        self,
        d0_pin: PinSpec,
        d1_pin: PinSpec,
        *,
        pulse_us: float = DEFAULT_PULSE_US,
        interval_us: float = DEFAULT_INTERVAL_US,
        frame_gap_ms: float = DEFAULT_TRANSMITTER_GAP_MS,
        inverted: bool = False,
        backend: Backend = "auto",
        pin_factory: Any = None,
    ) -> None:
        check_pulse_timing(pulse_us, interval_us)
        check_frame_gap(frame_gap_ms, longer_than_us=interval_us)
        if backend not in ("auto", "software", "pigpio"):
            raise InvalidSettingValueError(
                f"unknown backend {backend!r}",
                field="backend",
                value=backend,
                allowed=("auto", "software", "pigpio"),
            )
        if d0_pin == d1_pin:
            raise InvalidSettingValueError(
                "D0 and D1 must be different pins", field="d1_pin", value=d1_pin
            )
        from gpiozero import DigitalOutputDevice

        self.pulse_us = pulse_us
        self.interval_us = interval_us
        self.frame_gap_ms = frame_gap_ms
        self._lock = threading.Lock()
        self._quiet_until = 0.0
        self._closed = False
        # "off" is the idle level: the line released (high), or the inverting stage off.
        self._d0 = DigitalOutputDevice(
            d0_pin, active_high=inverted, initial_value=False, pin_factory=pin_factory
        )
        try:
            self._d1 = DigitalOutputDevice(
                d1_pin, active_high=inverted, initial_value=False, pin_factory=pin_factory
            )
            self._backend = self._choose_backend(backend, inverted)
        except BaseException:
            self._d0.close()
            if hasattr(self, "_d1"):
                self._d1.close()
            raise

    def _choose_backend(self, backend: Backend, inverted: bool) -> _Backend:
        connection = getattr(self._d0.pin_factory, "connection", None)
        has_waves = connection is not None and hasattr(connection, "wave_add_generic")
        if backend == "pigpio" and not has_waves:
            raise InvalidSettingValueError(
                "backend 'pigpio' needs gpiozero's PiGPIOFactory (pigpiod, Raspberry Pi 1-4)",
                field="backend",
                value=backend,
            )
        if backend != "software" and has_waves:
            d0, d1 = _gpio_number(self._d0), _gpio_number(self._d1)
            return _PigpioWaveBackend(connection, d0, d1, inverted)
        return _SoftwareBackend(self._d0, self._d1)

    def __repr__(self) -> str:
        pins = f"d0={self._d0.pin.info.name}, d1={self._d1.pin.info.name}"
        return (
            f"WiegandTransmitter({pins}, pulse_us={self.pulse_us:g}, "
            f"interval_us={self.interval_us:g}, backend={self.backend!r})"
        )

    @property
    def backend(self) -> str:
        """``"pigpio-wave"`` (DMA-timed) or ``"software"``."""
        return self._backend.name

    def send(self, frame: WiegandFrame | str) -> TransmitReport:
        """Send one frame (a :class:`WiegandFrame` or ``"0101..."``), then keep the frame gap.

        Returns when the last pulse is out; the gap is kept before the next frame starts.
        """
        if isinstance(frame, str):
            frame = WiegandFrame.from_text(frame)
        bits = list(frame)
        with self._lock:
            if self._closed:
                raise ConfigurationError("the transmitter is closed")
            _wait_until(self._quiet_until)
            try:
                timing = self._backend.send(bits, self.pulse_us, self.interval_us)
            finally:
                self._quiet_until = time.perf_counter() + self.frame_gap_ms / 1000
        return TransmitReport(self._backend.name, self._backend.hardware_timed, len(bits), timing)

    def send_frames(self, frames: Iterable[WiegandFrame]) -> list[TransmitReport]:
        """Send frames one after the other (e.g. the key frames of a PIN), gap between each."""
        return [self.send(frame) for frame in frames]

    @property
    def closed(self) -> bool:
        return self._closed

    def wait_idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for a frame being sent to end; whether it did.

        Both lines are idle after every frame, even one that failed, so a caller making a
        rig safe only needs this wait; it never blocks longer than ``timeout``.
        """
        if not self._lock.acquire(timeout=timeout):
            return False
        self._lock.release()
        return True

    def close(self) -> None:
        """Release both pins (after a frame being sent has gone out)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._d0.close()
            self._d1.close()

    def __enter__(self) -> WiegandTransmitter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
