"""Wiegand line timing: the SIA ranges, validation, and measured timing of a frame.

The SIA "Access Control Standard Protocol for the 26-Bit Wiegand Reader Interface", as
vendor manuals quote it (hil-ecosystem.md §6.1): a bit is an active-low pulse of **20-100 us**
on D0 (a 0) or D1 (a 1), pulses **200 us - 20 ms** apart, never overlapping; a frame ends
with silence, which receivers take after 5-25 ms. axisctl measures the pulse interval from
the start of one pulse to the start of the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from axisctl.errors import InvalidSettingValueError

__all__ = [
    "DEFAULT_INTERVAL_US",
    "DEFAULT_PULSE_US",
    "DEFAULT_RECEIVER_GAP_MS",
    "DEFAULT_TRANSMITTER_GAP_MS",
    "MAX_FRAME_GAP_MS",
    "SIA_INTERVAL_US",
    "SIA_PULSE_US",
    "FrameTiming",
    "check_frame_gap",
    "check_pulse_timing",
]

#: Pulse width range, microseconds (SIA).
SIA_PULSE_US = (20.0, 100.0)
#: Pulse interval range (start to start), microseconds (SIA).
SIA_INTERVAL_US = (200.0, 20_000.0)
#: Transmitter defaults: a common reader's 50 us / 2 ms, with margin for software jitter.
DEFAULT_PULSE_US = 50.0
DEFAULT_INTERVAL_US = 2_000.0
#: Silence that ends a frame at the receiver: longer than the longest SIA interval (20 ms),
#: so no conforming reader's frame is cut in two.
DEFAULT_RECEIVER_GAP_MS = 25.0
#: Silence the transmitter keeps between frames: twice the receivers' usual gap.
DEFAULT_TRANSMITTER_GAP_MS = 50.0
MAX_FRAME_GAP_MS = 10_000.0


def _check_range(field: str, value: float, low: float, high: float, unit: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise InvalidSettingValueError(
            f"{field} {value!r} is outside {low:g}-{high:g} {unit}",
            field=field,
            value=value,
        )


def check_pulse_timing(pulse_us: float, interval_us: float) -> None:
    """Raise :class:`~axisctl.errors.InvalidSettingValueError` outside the SIA ranges."""
    _check_range("pulse_us", pulse_us, *SIA_PULSE_US, "us (SIA Wiegand pulse width)")
    _check_range("interval_us", interval_us, *SIA_INTERVAL_US, "us (SIA Wiegand pulse interval)")


def check_frame_gap(frame_gap_ms: float, *, longer_than_us: float = 0.0) -> None:
    """Raise unless 1 ms <= gap <= 10 s and the gap is longer than ``longer_than_us``."""
    _check_range("frame_gap_ms", frame_gap_ms, 1.0, MAX_FRAME_GAP_MS, "ms")
    if frame_gap_ms * 1000 <= longer_than_us:
        raise InvalidSettingValueError(
            f"frame_gap_ms {frame_gap_ms:g} must be longer than the pulse interval "
            f"({longer_than_us:g} us), or a receiver ends the frame between two bits",
            field="frame_gap_ms",
            value=frame_gap_ms,
        )


@dataclass(frozen=True)
class FrameTiming:
    """Shortest and longest pulse width and pulse interval of one frame, in microseconds.

    Intervals are ``None`` for a one-bit frame. A receiver measures them from edge
    timestamps; a software transmitter from when it switched the pins; the pigpio backend
    reports what it programmed (the DMA engine keeps to it).
    """

    pulse_min_us: float
    pulse_max_us: float
    interval_min_us: float | None
    interval_max_us: float | None

    @property
    def within_sia(self) -> bool:
        """True when every pulse and interval is inside the SIA ranges."""
        pulses_ok = SIA_PULSE_US[0] <= self.pulse_min_us and self.pulse_max_us <= SIA_PULSE_US[1]
        if self.interval_min_us is None or self.interval_max_us is None:
            return pulses_ok
        return (
            pulses_ok
            and SIA_INTERVAL_US[0] <= self.interval_min_us
            and self.interval_max_us <= SIA_INTERVAL_US[1]
        )

    @classmethod
    def from_pulses(cls, starts: Sequence[float], widths: Sequence[float]) -> FrameTiming:
        """From pulse start times and widths in seconds (one entry per bit, at least one)."""
        intervals = [later - earlier for earlier, later in pairwise(starts)]
        return cls(
            pulse_min_us=min(widths) * 1e6,
            pulse_max_us=max(widths) * 1e6,
            interval_min_us=min(intervals) * 1e6 if intervals else None,
            interval_max_us=max(intervals) * 1e6 if intervals else None,
        )
