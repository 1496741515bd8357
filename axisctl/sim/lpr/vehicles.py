"""What a test bench puts in front of the simulated gate camera: one :class:`Vehicle`.

A vehicle is a script for one track: the plate the camera ends up reading, where and which
way it drives, how long it stays in view and, optionally, a first misread that a later read
corrects. :meth:`Vehicle.read_offsets` turns it into the moments the camera reads the plate.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from axisctl.errors import ParseError

#: Seconds between two reads of a plate in view, unless the vehicle lists its own reads.
READ_INTERVAL_S = 0.5
#: Longest a scripted vehicle may stay in view, and the most reads it may list.
MAX_DWELL_S = 3600.0
MAX_READS = 1000
MAX_PLATE_CHARS = 32
MAX_TEXT_CHARS = 64

VEHICLE_DIRECTIONS = ("in", "out", "unknown")
VEHICLE_TYPES = ("CAR", "TRUCK", "BUS")
VIEWS = ("front", "rear")
ROIS = (1, 2)

_COUNTRY = re.compile(r"[A-Z]{3}")


class InvalidVehicleError(ParseError):
    """A vehicle field the camera could not show; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _check_text(field: str, value: object, *, limit: int, required: bool) -> None:
    if not isinstance(value, str):
        raise InvalidVehicleError(field, f"must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise InvalidVehicleError(field, "must not be empty")
    if len(value) > limit:
        raise InvalidVehicleError(field, f"is {len(value)} characters long, at most {limit}")
    if any(unicodedata.category(char)[0] == "C" or char in "\u2028\u2029" for char in value):
        raise InvalidVehicleError(field, "must not contain control characters or line breaks")


def _check_number(field: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidVehicleError(field, f"must be a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidVehicleError(field, f"must be {low:g}..{high:g}, got {value!r}")
    return number


def _check_choice(field: str, value: object, allowed: tuple[object, ...]) -> None:
    if isinstance(value, bool) or value not in allowed:
        names = ", ".join(repr(item) for item in allowed)
        raise InvalidVehicleError(field, f"must be one of {names}, got {value!r}")


@dataclass(frozen=True)
class Vehicle:
    """One vehicle passing the camera.

    ``plate`` is what the camera finally reads; ``misread``, when given, is what it reads
    first, corrected by an UPDATE. ``direction`` (``in``, ``out`` or ``unknown``) becomes
    known after the first read, never on NEW. The camera reads the plate every
    :data:`READ_INTERVAL_S` seconds for ``dwell_s`` seconds, or at ``read_times`` (seconds
    after the vehicle appears, the first one 0) when given.
    """

    plate: str
    country: str = "SWE"
    region: str = ""
    region_code: str = ""
    iso3166_2: str = ""
    direction: str = "in"
    roi: int = 1
    confidence: float = 0.9
    dwell_s: float = 2.0
    misread: str | None = None
    vehicle_type: str = "CAR"
    color: str = ""
    view: str = "front"
    read_times: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        _check_text("plate", self.plate, limit=MAX_PLATE_CHARS, required=True)
        if not isinstance(self.country, str) or not _COUNTRY.fullmatch(self.country):
            raise InvalidVehicleError(
                "country", f"must be an ISO 3166-1 alpha-3 code like 'SWE', got {self.country!r}"
            )
        for field in ("region", "region_code", "iso3166_2", "color"):
            _check_text(field, getattr(self, field), limit=MAX_TEXT_CHARS, required=False)
        _check_choice("direction", self.direction, VEHICLE_DIRECTIONS)
        _check_choice("roi", self.roi, ROIS)
        _check_number("confidence", self.confidence, 0.0, 1.0)
        _check_number("dwell_s", self.dwell_s, 0.0, MAX_DWELL_S)
        if self.misread is not None:
            _check_text("misread", self.misread, limit=MAX_PLATE_CHARS, required=True)
            if self.misread == self.plate:
                raise InvalidVehicleError("misread", "is the plate itself; leave it out")
        _check_choice("vehicle_type", self.vehicle_type, VEHICLE_TYPES)
        _check_choice("view", self.view, VIEWS)
        if self.read_times is not None:
            self._check_read_times(self.read_times)

    @staticmethod
    def _check_read_times(times: object) -> None:
        if not isinstance(times, tuple):
            raise InvalidVehicleError("read_times", "must be a tuple of seconds")
        if not 1 <= len(times) <= MAX_READS:
            raise InvalidVehicleError("read_times", f"must list 1..{MAX_READS} reads")
        previous = -1.0
        for index, value in enumerate(times):
            number = _check_number(f"read_times[{index}]", value, 0.0, MAX_DWELL_S)
            if index == 0 and number != 0:
                raise InvalidVehicleError("read_times[0]", "the first read is at 0 s")
            if number <= previous:
                raise InvalidVehicleError(f"read_times[{index}]", "reads must be in time order")
            previous = number

    def read_offsets(self) -> tuple[float, ...]:
        """Seconds after the vehicle appears at which the camera reads its plate."""
        if self.read_times is not None:
            return tuple(float(value) for value in self.read_times)
        count = int(self.dwell_s / READ_INTERVAL_S + 1e-9)
        offsets = [index * READ_INTERVAL_S for index in range(count + 1)]
        if self.dwell_s - offsets[-1] > 1e-9:
            offsets.append(float(self.dwell_s))
        return tuple(offsets)

    @property
    def first_text(self) -> str:
        """What the first read shows."""
        return self.plate if self.misread is None else self.misread
