"""Profiles and their siren and light settings, as ``siren_and_light.cgi`` stores them.

Every model is a frozen dataclass with ``to_json()`` (the wire shape) and ``from_json()``.
``from_json`` checks only the shape and raises :class:`~axisctl.errors.ParseError` naming the
bad field; the API turns that into ``MalformedResponseError`` for device answers, and
:mod:`~axisctl.apis.sirenlight.files` reports it with the file and profile index.

Range checks that need no device (name length, priority 1-10, duration limits) live in
``validate()``, not in the constructors, so that a test can still build a bad profile and
see what a device answers to it. Checks that need the device's pattern list are in
:class:`~axisctl.apis.sirenlight.capabilities.Capabilities`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from axisctl.apis._json import (
    expect_object,
    opt_int,
    opt_str,
    opt_str_list,
    req_int,
    req_str,
)
from axisctl.apis.sirenlight.errors import InvalidProfileError
from axisctl.errors import ParseError

#: Light patterns the D4200-VE manual lists, in its order (the device's own list wins).
LIGHT_PATTERNS: tuple[str, ...] = (
    "Off",
    "Steady",
    "Alternate",
    "Pulse",
    "Escalate 3 steps",
    "Blink",
    "Blink 3x",
    "Blink 4x",
    "Blink 3x fade",
    "Blink 4x fade",
    "Flash 1x",
    "Flash 3x",
    "Direction A",
    "Direction B",
    "Direction C",
    "Direction D",
    "Rotate",
    "Random",
    "Spin",
)

#: Siren (sound) patterns the D4200-VE manual lists, in its order.
SIREN_PATTERNS: tuple[str, ...] = (
    "Alarm: Alarm high pitch",
    "Alarm: Alarm low pitch",
    "Alarm: Bird",
    "Alarm: Boat horn",
    "Alarm: Car alarm",
    "Alarm: Car alarm fast",
    "Alarm: Classic clock",
    "Alarm: First attender",
    "Alarm: Horror",
    "Alarm: Industrial",
    "Alarm: Single beep",
    "Alarm: Soft quad beep",
    "Alarm: Soft triple beep",
    "Alarm: Triple high pitch",
    "Notification: Accepted",
    "Notification: Calling",
    "Notification: Denied",
    "Notification: Done",
    "Notification: Entry",
    "Notification: Failed",
    "Notification: Hurry",
    "Notification: Message",
    "Notification: Next",
    "Notification: Open",
    "Siren: Alternate",
    "Siren: Bouncy",
    "Siren: Evac",
    "Siren: Falling pitch",
    "Siren: Home soft",
)

MAX_PROFILES = 30
NAME_MAX = 50
DESCRIPTION_MAX = 250
PRIORITY_MIN = 1
PRIORITY_MAX = 10
#: Priorities above 10 belong to the device itself and cannot be given to a profile.
RESERVED_PRIORITIES: dict[int, str] = {11: "maintenance", 12: "identify", 13: "health check"}
MAX_SECONDS = 259_200
MAX_REPETITIONS = 20


# --- local checks -----------------------------------------------------------------------


def check_priority(priority: int | None, label: str) -> None:
    """Refuse reserved (11-13) and out-of-range priorities; ``None`` means the device default."""
    if priority is None:
        return
    span = f"{PRIORITY_MIN}-{PRIORITY_MAX}"
    if priority in RESERVED_PRIORITIES:
        reserved = ", ".join(f"{p} {what}" for p, what in RESERVED_PRIORITIES.items())
        raise InvalidProfileError(
            f"{label} {priority} is reserved ({reserved}); use {span}",
            field=label.replace(" ", "."),
            value=priority,
            allowed=range(PRIORITY_MIN, PRIORITY_MAX + 1),
        )
    if not PRIORITY_MIN <= priority <= PRIORITY_MAX:
        raise InvalidProfileError(
            f"{label} {priority} is out of range; use {span}",
            field=label.replace(" ", "."),
            value=priority,
            allowed=range(PRIORITY_MIN, PRIORITY_MAX + 1),
        )


# --- models -----------------------------------------------------------------------------


class DurationUnit(enum.Enum):
    SECONDS = "seconds"
    REPETITIONS = "repetitions"


_DURATION_TEXT = re.compile(r"\s*(\d+)\s*(s|sec|m|min|h|x|rep|reps)?\s*", re.IGNORECASE)
_SECONDS_PER = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


@dataclass(frozen=True)
class Duration:
    """How long an activity runs. Where a setting has no duration (``None``) it is continuous.

    Limits: 0-259200 seconds (three days) or 0-20 repetitions.
    """

    unit: DurationUnit
    value: int

    @classmethod
    def seconds(cls, value: int) -> Duration:
        return cls(DurationUnit.SECONDS, value)

    @classmethod
    def repetitions(cls, value: int) -> Duration:
        return cls(DurationUnit.REPETITIONS, value)

    @classmethod
    def parse(cls, text: str) -> Duration | None:
        """``"30s"``, ``"5m"``, ``"2h"``, ``"3x"`` (repetitions); ``"continuous"`` is ``None``.

        A bare number is seconds. Raises ``ValueError`` for anything else.
        """
        if text.strip().lower() in ("continuous", "cont", "none", ""):
            return None
        match = _DURATION_TEXT.fullmatch(text)
        if match is None:
            raise ValueError(
                f"duration {text!r} is not understood; write e.g. 30s, 5m, 2h, 3x or continuous"
            )
        number = int(match.group(1))
        suffix = (match.group(2) or "s").lower()
        if suffix in ("x", "rep", "reps"):
            return cls.repetitions(number)
        return cls.seconds(number * _SECONDS_PER[suffix])

    def __str__(self) -> str:
        return f"{self.value}s" if self.unit is DurationUnit.SECONDS else f"{self.value}x"

    def validate(self, label: str = "duration") -> None:
        limit = MAX_SECONDS if self.unit is DurationUnit.SECONDS else MAX_REPETITIONS
        if not 0 <= self.value <= limit:
            raise InvalidProfileError(
                f"{label} of {self.value} {self.unit.value} is out of range; "
                f"use 0-{limit} {self.unit.value}",
                field=label.replace(" ", "."),
                value=self.value,
            )

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit.value, "value": self.value}

    @classmethod
    def from_json(cls, value: Any, where: str = "duration") -> Duration:
        obj = expect_object(value, where)
        unit_text = req_str(obj, "unit", where)
        try:
            unit = DurationUnit(unit_text)
        except ValueError:
            allowed = ", ".join(u.value for u in DurationUnit)
            raise ParseError(
                f"{where}.unit {unit_text!r} is not a duration unit; use {allowed}"
            ) from None
        return cls(unit, req_int(obj, "value", where))


def _opt_duration(obj: Mapping[str, Any], where: str) -> Duration | None:
    value = obj.get("duration")
    return None if value is None else Duration.from_json(value, f"{where}.duration")


def _validate_part(
    pattern: str, duration: Duration | None, priority: int | None, field: str
) -> None:
    """The checks a siren and a light part share, without the device's capabilities."""
    if not pattern:
        raise InvalidProfileError(f"{field} pattern is empty", field=f"{field}.pattern")
    if duration is not None:
        duration.validate(f"{field} duration")
    check_priority(priority, f"{field} priority")


@dataclass(frozen=True)
class SirenSettings:
    """What the siren plays. ``None`` fields take the device's default for the pattern."""

    pattern: str
    intensity: int | None = None
    duration: Duration | None = None
    priority: int | None = None

    def validate(self, field: str = "siren") -> None:
        _validate_part(self.pattern, self.duration, self.priority, field)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"pattern": self.pattern}
        if self.intensity is not None:
            body["intensity"] = self.intensity
        if self.duration is not None:
            body["duration"] = self.duration.to_json()
        if self.priority is not None:
            body["priority"] = self.priority
        return body

    @classmethod
    def from_json(cls, value: Any, where: str = "siren") -> SirenSettings:
        obj = expect_object(value, where)
        return cls(
            pattern=req_str(obj, "pattern", where),
            intensity=opt_int(obj, "intensity", where),
            duration=_opt_duration(obj, where),
            priority=opt_int(obj, "priority", where),
        )


@dataclass(frozen=True)
class LightSettings:
    """What the light shows. ``colors=None`` takes the pattern's default colors; ``()`` none."""

    pattern: str
    speed: int | None = None
    colors: tuple[str, ...] | None = None
    intensity: int | None = None
    duration: Duration | None = None
    priority: int | None = None

    def __post_init__(self) -> None:
        # A list given by a caller would make the frozen model unhashable and mutable.
        if self.colors is not None and not isinstance(self.colors, tuple):
            object.__setattr__(self, "colors", tuple(self.colors))

    def validate(self, field: str = "light") -> None:
        _validate_part(self.pattern, self.duration, self.priority, field)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"pattern": self.pattern}
        if self.speed is not None:
            body["speed"] = self.speed
        if self.colors is not None:
            body["colors"] = list(self.colors)
        if self.intensity is not None:
            body["intensity"] = self.intensity
        if self.duration is not None:
            body["duration"] = self.duration.to_json()
        if self.priority is not None:
            body["priority"] = self.priority
        return body

    @classmethod
    def from_json(cls, value: Any, where: str = "light") -> LightSettings:
        obj = expect_object(value, where)
        return cls(
            pattern=req_str(obj, "pattern", where),
            speed=opt_int(obj, "speed", where),
            colors=opt_str_list(obj, "colors", where),
            intensity=opt_int(obj, "intensity", where),
            duration=_opt_duration(obj, where),
            priority=opt_int(obj, "priority", where),
        )


def _opt_siren(obj: Mapping[str, Any], where: str) -> SirenSettings | None:
    value = obj.get("siren")
    return None if value is None else SirenSettings.from_json(value, f"{where}.siren")


def _opt_light(obj: Mapping[str, Any], where: str) -> LightSettings | None:
    value = obj.get("light")
    return None if value is None else LightSettings.from_json(value, f"{where}.light")


@dataclass(frozen=True)
class Profile:
    """A named light-and-siren combination stored on the device (at most 30, names unique).

    The JSON shape is that of ``addProfile`` params and of each entry of an export file.
    """

    name: str
    description: str | None = None
    siren: SirenSettings | None = None
    light: LightSettings | None = None

    def validate(self) -> None:
        """Raise :class:`InvalidProfileError` for what any device would refuse."""
        if not self.name:
            raise InvalidProfileError("profile name is empty", field="name", value=self.name)
        if len(self.name) > NAME_MAX:
            raise InvalidProfileError(
                f"profile name is {len(self.name)} characters; the device allows at most "
                f"{NAME_MAX}",
                field="name",
                value=self.name,
            )
        if self.description is not None and len(self.description) > DESCRIPTION_MAX:
            raise InvalidProfileError(
                f"description of profile {self.name!r} is {len(self.description)} characters; "
                f"the device allows at most {DESCRIPTION_MAX}",
                field="description",
                value=self.description,
            )
        if self.siren is None and self.light is None:
            raise InvalidProfileError(
                f"profile {self.name!r} has neither a siren nor a light; give at least one",
                field="siren",
            )
        if self.siren is not None:
            self.siren.validate()
        if self.light is not None:
            self.light.validate()

    @property
    def priority(self) -> int | None:
        """The higher of the siren's and the light's priority (``None`` if neither is set)."""
        given = [s.priority for s in (self.siren, self.light) if s and s.priority is not None]
        return max(given) if given else None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name}
        if self.description is not None:
            body["description"] = self.description
        if self.siren is not None:
            body["siren"] = self.siren.to_json()
        if self.light is not None:
            body["light"] = self.light.to_json()
        return body

    @classmethod
    def from_json(cls, value: Any, where: str = "profile") -> Profile:
        obj = expect_object(value, where)
        return cls(
            name=req_str(obj, "name", where),
            description=opt_str(obj, "description", where),
            siren=_opt_siren(obj, where),
            light=_opt_light(obj, where),
        )


class UploadMode(enum.Enum):
    """What ``uploadProfiles`` does with the profiles already on the device."""

    #: Keep them; a name already taken is an error.
    ADD = "add"
    #: Keep them; replace those of the same name.
    OVERWRITE = "overwrite"
    #: Delete them all first.
    ERASE_AND_ADD = "erase_and_add"
