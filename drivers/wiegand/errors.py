"""Typed errors of the Wiegand codec and of the GPIO receiver.

Every error is an :class:`axisctl.errors.ParseError` (so a ``ValueError``, and exit code 9 in
the CLI) and says what was wrong: which parity bit, which length against which expected
lengths, which field against which range. Messages never contain a PIN: keypress errors name
the position of the bad key, not the key.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Literal

from axisctl.errors import ParseError

__all__ = [
    "SignalProblem",
    "WiegandBitsError",
    "WiegandError",
    "WiegandFormatNameError",
    "WiegandKeyError",
    "WiegandLengthError",
    "WiegandParityError",
    "WiegandRangeError",
    "WiegandSignalError",
]

ParityName = Literal["even", "odd", "both"]


class WiegandError(ParseError):
    """Base class: a Wiegand frame, field or signal that axisctl cannot accept."""


class WiegandBitsError(WiegandError):
    """Text or bytes that are not a bit string (a character other than 0/1, bad hex, ...)."""


class WiegandFormatNameError(WiegandError):
    """A format name that axisctl does not know; ``choices`` lists the accepted names."""

    def __init__(self, message: str, *, name: str, choices: Iterable[str]) -> None:
        super().__init__(message)
        self.name = name
        self.choices = tuple(choices)


class WiegandLengthError(WiegandError):
    """A frame whose bit count is not one the format (or the receiver) accepts.

    ``got`` is the bit count seen, ``expected`` the accepted counts, ``format`` the format
    name the frame was checked against (``None`` when auto-detecting).
    """

    def __init__(
        self, message: str, *, got: int, expected: Iterable[int], format: str | None = None
    ) -> None:
        super().__init__(message)
        self.got = got
        self.expected = tuple(expected)
        self.format = format


class WiegandParityError(WiegandError):
    """A parity bit that does not match its window.

    ``which`` is ``"even"`` (the leading bit), ``"odd"`` (the trailing bit) or ``"both"``.
    ``format`` is the format name.
    """

    def __init__(self, message: str, *, which: ParityName, format: str) -> None:
        super().__init__(message)
        self.which = which
        self.format = format


class WiegandRangeError(WiegandError):
    """A field value outside what its bits can hold (``facility`` 0-255 in H10301, ...).

    ``field`` names the field (``"facility"``, ``"card"``, ``"PIN"``, ``"bit_count"``),
    ``minimum``/``maximum`` the accepted range, ``format`` the format name where one applies.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str,
        minimum: int,
        maximum: int,
        format: str | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.minimum = minimum
        self.maximum = maximum
        self.format = format


class WiegandKeyError(WiegandError):
    """A key that a keypress format cannot carry, or a key frame that is not a valid key.

    ``position`` is the 1-based position of the key in the PIN or of the frame in the
    sequence; the key itself is never part of the message (PINs are secrets).
    """

    def __init__(self, message: str, *, position: int, format: str) -> None:
        super().__init__(message)
        self.position = position
        self.format = format


class SignalProblem(enum.Enum):
    """What the receiver saw go wrong on the D0/D1 lines."""

    #: Both lines were low at once: the bit is ambiguous, the frame is dropped.
    OVERLAP = "overlap"
    #: A line stayed low longer than the frame gap (wiring fault, reader in reset).
    STUCK_LOW = "stuck-low"
    #: More bits than the receiver's ``max_bits``: noise or two frames without a gap.
    TOO_LONG = "too-long"


class WiegandSignalError(WiegandError):
    """A frame the receiver dropped because of the signal; ``problem`` says why.

    ``bit_count`` is how many bits had been received when the frame was dropped.
    """

    def __init__(self, message: str, *, problem: SignalProblem, bit_count: int) -> None:
        super().__init__(message)
        self.problem = problem
        self.bit_count = bit_count
