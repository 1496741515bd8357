"""``xs:dateTime`` text (``2025-01-31T17:00:00.5+01:00``) as an aware UTC datetime.

Event metadata (``UtcTime``) and the access-control services both carry it; each says in its
own words what was wrong, so this raises :class:`XsDateTimeError` with the kind of problem.
"""

from __future__ import annotations

import datetime as dt
import enum
import re

_DATETIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<zone>Z|(?P<sign>[+-])(?P<zh>[0-9]{2}):(?P<zm>[0-9]{2}))?"
)


class Problem(enum.Enum):
    #: Not the shape of an xs:dateTime (or no zone where one is required).
    SYNTAX = "syntax"
    #: A zone offset of a day or more.
    OFFSET = "offset"
    #: The right shape but no such moment (month 13, second 61 ...).
    VALUE = "value"


class XsDateTimeError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def parse_xs_datetime(text: str, *, zone_required: bool, max_fraction_digits: int) -> dt.datetime:
    """Aware UTC; no zone means UTC unless ``zone_required``. Fractions beyond microseconds
    are dropped; more than ``max_fraction_digits`` of them is a syntax problem."""
    match = _DATETIME.fullmatch(text.strip())
    if (
        match is None
        or (zone_required and match["zone"] is None)
        or len(match["fraction"] or "") > max_fraction_digits
    ):
        raise XsDateTimeError(Problem.SYNTAX)
    zone = dt.timezone.utc
    if match["zh"] is not None:
        minutes = int(match["zh"]) * 60 + int(match["zm"])
        if minutes >= 24 * 60:
            raise XsDateTimeError(Problem.OFFSET)
        zone = dt.timezone(dt.timedelta(minutes=-minutes if match["sign"] == "-" else minutes))
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]
    try:
        return dt.datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            int(fraction),
            tzinfo=zone,
        ).astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        raise XsDateTimeError(Problem.VALUE) from None
