"""Scripted traffic: vehicles as JSON, and scenario files of vehicles at given times.

A vehicle is a JSON object with the fields of :class:`Vehicle` (only ``plate`` is
required)::

    {"plate": "ABC123", "direction": "in", "roi": 1, "misread": "A8C123", "dwell_s": 3}

A scenario is a list of such objects, each with ``at``, the seconds after the scenario
starts at which the vehicle appears (or an object ``{"vehicles": [...]}``). Every error
names the vehicle (its index and plate) and the field, and nothing is scheduled unless the
whole scenario is valid.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from axisctl.apis._json import kind
from axisctl.errors import ParseError
from axisctl.sim.lpr.vehicles import InvalidVehicleError, Vehicle

#: The most vehicles one scenario may hold, and the latest one may appear (a week).
MAX_VEHICLES = 10_000
MAX_AT_S = 7 * 24 * 3600.0
#: Scenario files larger than this are refused before parsing.
MAX_FILE_BYTES = 8 * 1024 * 1024

VEHICLE_FIELDS = tuple(f.name for f in fields(Vehicle))
_TEXT_FIELDS = frozenset(
    {
        "plate",
        "country",
        "region",
        "region_code",
        "iso3166_2",
        "direction",
        "vehicle_type",
        "color",
        "view",
    }
)
_NUMBER_FIELDS = frozenset({"confidence", "dwell_s"})


class ScenarioError(ParseError):
    """A scenario or vehicle that cannot be played; ``index`` and ``field`` say where."""

    def __init__(self, message: str, *, index: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.index = index
        self.field = field


@dataclass(frozen=True)
class ScheduledVehicle:
    """A vehicle that appears ``at`` seconds after its scenario starts."""

    at: float
    vehicle: Vehicle


@dataclass(frozen=True)
class Scenario:
    """Vehicles in the order they appear (equal times keep the file's order)."""

    vehicles: tuple[ScheduledVehicle, ...]

    @property
    def duration_s(self) -> float:
        """When the last vehicle appears."""
        return max((item.at for item in self.vehicles), default=0.0)


def _check_type(field: str, value: Any) -> None:
    if field in _TEXT_FIELDS or field == "misread":
        if field == "misread" and value is None:
            return
        if not isinstance(value, str):
            raise InvalidVehicleError(field, f"is {kind(value)}, expected a string")
    elif field in _NUMBER_FIELDS or field == "roi":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidVehicleError(field, f"is {kind(value)}, expected a number")
    elif field == "read_times" and value is not None and not isinstance(value, list):
        raise InvalidVehicleError(field, f"is {kind(value)}, expected a list of seconds")


def vehicle_from_json(value: Any) -> Vehicle:
    """A :class:`Vehicle` from its JSON object; :class:`InvalidVehicleError` names the field."""
    if not isinstance(value, dict):
        raise InvalidVehicleError("vehicle", f"is {kind(value)}, expected an object")
    unknown = sorted(str(key) for key in value if key not in VEHICLE_FIELDS)
    if unknown:
        allowed = ", ".join(VEHICLE_FIELDS)
        raise InvalidVehicleError(unknown[0], f"is not a vehicle field; use {allowed}")
    if "plate" not in value:
        raise InvalidVehicleError("plate", "is missing")
    arguments: dict[str, Any] = {}
    for field, item in value.items():
        _check_type(field, item)
        if field == "read_times" and item is not None:
            item = tuple(item)
        if field == "roi" and isinstance(item, float) and item.is_integer():
            item = int(item)
        arguments[field] = item
    return Vehicle(**arguments)


def _at(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidVehicleError("at", f"is {kind(value)}, expected seconds")
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= MAX_AT_S:
        raise InvalidVehicleError("at", f"must be 0..{MAX_AT_S:g} seconds, got {value!r}")
    return number


def _describe(index: int, item: Any) -> str:
    plate = item.get("plate") if isinstance(item, dict) else None
    return f"vehicle {index} ({plate!r})" if isinstance(plate, str) else f"vehicle {index}"


def parse_scenario(data: Any) -> Scenario:
    """A :class:`Scenario` from parsed JSON; :class:`ScenarioError` for anything wrong."""
    if isinstance(data, dict):
        extra = sorted(str(key) for key in data if key != "vehicles")
        if extra:
            raise ScenarioError(f"unknown scenario field {extra[0]!r}; only 'vehicles' is known")
        if "vehicles" not in data:
            raise ScenarioError("a scenario object needs 'vehicles', a list")
        data = data["vehicles"]
    if not isinstance(data, list):
        raise ScenarioError(f"a scenario is a list of vehicles, got {kind(data)}")
    if len(data) > MAX_VEHICLES:
        raise ScenarioError(f"a scenario holds at most {MAX_VEHICLES} vehicles, got {len(data)}")
    scheduled: list[ScheduledVehicle] = []
    for index, item in enumerate(data):
        try:
            if not isinstance(item, dict):
                raise InvalidVehicleError("vehicle", f"is {kind(item)}, expected an object")
            if "at" not in item:
                raise InvalidVehicleError("at", "is missing: when the vehicle appears, in seconds")
            at = _at(item["at"])
            vehicle = vehicle_from_json({k: v for k, v in item.items() if k != "at"})
        except InvalidVehicleError as exc:
            raise ScenarioError(
                f"{_describe(index, item)}: {exc.message}", index=index, field=exc.field
            ) from None
        scheduled.append(ScheduledVehicle(at, vehicle))
    scheduled.sort(key=lambda item: item.at)
    return Scenario(tuple(scheduled))


def loads_scenario(text: str | bytes) -> Scenario:
    """A :class:`Scenario` from JSON text."""
    try:
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScenarioError(f"a scenario must be JSON: {exc}") from None
    except RecursionError:
        raise ScenarioError("a scenario must be JSON: nested too deeply") from None
    return parse_scenario(data)


def load_scenario(path: str | Path) -> Scenario:
    """A :class:`Scenario` from a JSON file."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read {file}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(f"{file} is larger than {MAX_FILE_BYTES} bytes")
    try:
        return loads_scenario(raw)
    except ScenarioError as exc:
        raise ScenarioError(f"{file}: {exc.message}", index=exc.index, field=exc.field) from None
