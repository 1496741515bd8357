"""Edges on D0/D1 in, frames out: the receiver's decoder, without any pins or threads.

:class:`EdgeDecoder` is fed every level change of the two lines with its timestamp and
says when a frame is complete. The GPIO receiver feeds it from pin callbacks and calls
:meth:`EdgeDecoder.silence` once the lines have been quiet for the frame gap; tests and
other transports (a logic-analyser capture, a simulator) can feed it directly.

A bit is a pulse: the line goes active (low) and back. The bit counts once the pulse ends,
so that a pulse shorter than ``min_pulse_s`` can be dropped as a glitch (counted, not an
error). Both lines active at once make the bit ambiguous and drop the frame; so do a line
that stays active through the frame gap and a frame longer than ``max_bits``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeAlias

from axisctl.drivers.wiegand.codec import Credential, decode
from axisctl.drivers.wiegand.errors import (
    SignalProblem,
    WiegandError,
    WiegandLengthError,
    WiegandSignalError,
)
from axisctl.drivers.wiegand.formats import WiegandFormat
from axisctl.drivers.wiegand.frame import WiegandFrame
from axisctl.drivers.wiegand.keypress import KeypressFormat, decode_key
from axisctl.drivers.wiegand.timing import FrameTiming

__all__ = ["DEFAULT_BIT_COUNTS", "EdgeDecoder", "Outcome", "ReceivedFrame"]

#: The frame lengths axisctl's formats use: key presses (4, 8) and cards (26, 34, 37).
DEFAULT_BIT_COUNTS = (4, 8, 26, 34, 37)


@dataclass(frozen=True)
class ReceivedFrame:
    """A frame as received: the bits, their measured timing, and glitches filtered out.

    ``timing`` is ``None`` when no pulse of the frame could be measured (every end edge
    was missed, which some pin backends do under load).
    """

    frame: WiegandFrame
    timing: FrameTiming | None
    glitches: int = 0

    def decode(self, format: WiegandFormat | None = None) -> Credential:
        """The card in the frame (see :func:`axisctl.drivers.wiegand.decode`)."""
        return decode(self.frame, format)

    def decode_key(self, format: KeypressFormat) -> str:
        """The key the frame carries in a per-key keypress format."""
        return decode_key(self.frame, format)


#: What the decoder hands out: a frame, or the typed error that dropped one.
Outcome: TypeAlias = "ReceivedFrame | WiegandError"


class EdgeDecoder:
    """Turns D0/D1 edges into :class:`ReceivedFrame` objects or typed errors.

    ``ticks_diff(later, earlier)`` gives seconds between two timestamps (gpiozero's
    ``Factory.ticks_diff``; plain subtraction for seconds). ``bit_counts`` lists the frame
    lengths to accept (``None`` accepts any); other lengths, such as a truncated frame, come
    out as :class:`WiegandLengthError`.
    """

    def __init__(
        self,
        *,
        frame_gap_s: float = 0.025,
        min_pulse_s: float = 10e-6,
        max_bits: int = 256,
        bit_counts: Collection[int] | None = DEFAULT_BIT_COUNTS,
        ticks_diff: Callable[[float, float], float] = operator.sub,
    ) -> None:
        self._gap = frame_gap_s
        self._min_pulse = min_pulse_s
        self._max_bits = max_bits
        self._bit_counts = None if bit_counts is None else tuple(sorted(set(bit_counts)))
        self._diff = ticks_diff
        #: Glitches (too-short pulses) dropped since the decoder was made.
        self.glitches = 0
        self._active = [False, False]
        self._pulse_start: list[float] = [0.0, 0.0]
        self._last_tick: float | None = None
        self._reset_frame()

    def _reset_frame(self) -> None:
        self._bits: list[int] = []
        self._starts: list[float] = []
        self._widths: list[float | None] = []
        self._first_tick: float | None = None
        self._frame_glitches = 0
        self._problem: SignalProblem | None = None
        self._problem_at = 0

    @property
    def busy(self) -> bool:
        """True while a frame is in progress (bits, a pulse, or a problem since the last end)."""
        return bool(
            self._bits or any(self._active) or self._problem is not None or self._frame_glitches
        )

    def edge(self, line: int, active: bool, tick: float) -> list[Outcome]:
        """Line ``line`` (0 = D0, 1 = D1) went active (low) or idle at time ``tick``.

        Returns the frame that ended before this edge, if the edge comes more than a frame
        gap after the previous one (edges can queue up faster than silence is noticed).
        """
        done: list[Outcome] = []
        if (
            self._last_tick is not None
            and not any(self._active)
            and self.busy
            and self._diff(tick, self._last_tick) >= self._gap
        ):
            done = self.silence()
        if active:
            self._pulse_began(line, tick)
        else:
            self._pulse_ended(line, tick)
        self._last_tick = tick
        return done

    def _pulse_began(self, line: int, tick: float) -> None:
        if self._active[line]:
            # The end of the previous pulse on this line was missed: it was still a bit.
            self._add_bit(line, self._pulse_start[line], None)
        if self._active[1 - line]:
            self._fail(SignalProblem.OVERLAP)
        if self._first_tick is None:
            self._first_tick = tick
        self._active[line] = True
        self._pulse_start[line] = tick

    def _pulse_ended(self, line: int, tick: float) -> None:
        if not self._active[line]:
            return  # an end without a start: at start-up, or after a stuck line was reported
        self._active[line] = False
        width = self._diff(tick, self._pulse_start[line])
        if width < self._min_pulse:
            self.glitches += 1
            self._frame_glitches += 1
            return
        self._add_bit(line, self._pulse_start[line], width)

    def _add_bit(self, bit: int, start: float, width: float | None) -> None:
        if self._problem is not None:
            return
        if len(self._bits) >= self._max_bits:
            self._fail(SignalProblem.TOO_LONG)
            return
        assert self._first_tick is not None
        self._bits.append(bit)
        self._starts.append(self._diff(start, self._first_tick))
        self._widths.append(width)

    def _fail(self, problem: SignalProblem) -> None:
        if self._problem is None:
            self._problem = problem
            self._problem_at = len(self._bits)

    def silence(self) -> list[Outcome]:
        """The lines have been quiet for the frame gap: end the frame in progress, if any."""
        if not self.busy:
            return []
        if any(self._active):
            self._fail(SignalProblem.STUCK_LOW)
            self._active = [False, False]
        outcome = self._outcome()
        self._reset_frame()
        return [] if outcome is None else [outcome]

    def _outcome(self) -> Outcome | None:
        if self._problem is not None:
            return WiegandSignalError(
                _PROBLEMS[self._problem], problem=self._problem, bit_count=self._problem_at
            )
        if not self._bits:
            return None  # glitches only: counted, nothing to report
        count = len(self._bits)
        if self._bit_counts is not None and count not in self._bit_counts:
            expected = ", ".join(map(str, self._bit_counts))
            return WiegandLengthError(
                f"received a {count}-bit frame; expected {expected} bits "
                "(a truncated frame, noise, or a length missing from bit_counts)",
                got=count,
                expected=self._bit_counts,
            )
        value = int("".join(map(str, self._bits)), 2)
        widths = [w for w in self._widths if w is not None]
        timing = FrameTiming.from_pulses(self._starts, widths) if widths else None
        return ReceivedFrame(WiegandFrame(value, count), timing, self._frame_glitches)


_PROBLEMS = {
    SignalProblem.OVERLAP: "D0 and D1 were both active at once; frame dropped",
    SignalProblem.STUCK_LOW: "a data line stayed active through the frame gap; frame dropped",
    SignalProblem.TOO_LONG: "more bits than max_bits without a frame gap; frame dropped",
}
