"""What a strobe speaker is doing: started ids, the status list, health check results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axisctl.apis._json import (
    expect_object,
    opt_int,
    opt_list,
    opt_number,
    opt_str,
    opt_str_list,
    req_id,
    req_int,
    req_str,
)
from axisctl.errors import ParseError


@dataclass(frozen=True)
class StartedActivity:
    """The ids ``start`` handed out; use them with ``stop_ids``. ``None`` for a part not started."""

    siren_id: int | None = None
    light_id: int | None = None

    @classmethod
    def from_json(cls, value: Any, where: str = "data") -> StartedActivity:
        obj = expect_object(value, where)
        return cls(
            siren_id=None if obj.get("sirenId") is None else req_id(obj, "sirenId", where),
            light_id=None if obj.get("lightId") is None else req_id(obj, "lightId", where),
        )


@dataclass(frozen=True)
class SirenActivity:
    """A siren activity in the status list, running or stored behind a higher priority."""

    id: int
    pattern: str
    intensity: int | None = None
    priority: int | None = None
    duration_left: float | None = None
    profile: str | None = None

    @classmethod
    def from_json(cls, value: Any, where: str) -> SirenActivity:
        obj = expect_object(value, where)
        return cls(
            id=req_id(obj, "sirenId", where),
            pattern=req_str(obj, "pattern", where),
            intensity=opt_int(obj, "intensity", where),
            priority=opt_int(obj, "priority", where),
            duration_left=opt_number(obj, "durationLeft", where),
            profile=_activity_profile(obj, where),
        )


@dataclass(frozen=True)
class LightActivity:
    """A light activity in the status list, running or stored behind a higher priority."""

    id: int
    pattern: str
    speed: int | None = None
    colors: tuple[str, ...] = ()
    intensity: int | None = None
    priority: int | None = None
    duration_left: float | None = None
    profile: str | None = None

    @classmethod
    def from_json(cls, value: Any, where: str) -> LightActivity:
        obj = expect_object(value, where)
        return cls(
            id=req_id(obj, "lightId", where),
            pattern=req_str(obj, "pattern", where),
            speed=opt_int(obj, "speed", where),
            colors=opt_str_list(obj, "colors", where) or (),
            intensity=opt_int(obj, "intensity", where),
            priority=opt_int(obj, "priority", where),
            duration_left=opt_number(obj, "durationLeft", where),
            profile=_activity_profile(obj, where),
        )


def _activity_profile(obj: Mapping[str, Any], where: str) -> str | None:
    # One example of the developer docs says "preset" where the others say "profile".
    if obj.get("profile") is not None:
        return req_str(obj, "profile", where)
    return opt_str(obj, "preset", where)


def _showing(activities: tuple[Any, ...]) -> Any:
    ranked = [a for a in activities if a.priority is not None]
    if not ranked:
        return activities[0] if activities else None
    return max(ranked, key=lambda a: a.priority)


@dataclass(frozen=True)
class Status:
    """Every siren and light activity the device holds, running or waiting; empty when idle.

    Only the highest priority of each kind plays; the others wait and play again when it
    stops (a duration in seconds keeps counting down while it waits).
    """

    sirens: tuple[SirenActivity, ...] = ()
    lights: tuple[LightActivity, ...] = ()

    @property
    def idle(self) -> bool:
        return not self.sirens and not self.lights

    @property
    def siren_playing(self) -> SirenActivity | None:
        """The siren activity of the highest priority: the one heard."""
        result: SirenActivity | None = _showing(self.sirens)
        return result

    @property
    def light_showing(self) -> LightActivity | None:
        """The light activity of the highest priority: the one seen."""
        result: LightActivity | None = _showing(self.lights)
        return result

    def profiles(self) -> set[str]:
        """Names of the profiles that have an activity in the list."""
        names = {a.profile for a in self.sirens if a.profile is not None}
        return names | {a.profile for a in self.lights if a.profile is not None}

    @classmethod
    def from_json(cls, value: Any, where: str = "data") -> Status:
        obj = expect_object(value, where)
        return cls(
            sirens=tuple(
                SirenActivity.from_json(item, f"{where}.siren[{i}]")
                for i, item in enumerate(opt_list(obj, "siren", where))
            ),
            lights=tuple(
                LightActivity.from_json(item, f"{where}.light[{i}]")
                for i, item in enumerate(opt_list(obj, "light", where))
            ),
        )


@dataclass(frozen=True)
class HealthCheckIssue:
    """One finding of a health check, e.g. ``101 Light is not working optimal``."""

    code: int
    message: str


@dataclass(frozen=True)
class HealthCheckResult:
    """The last health check: when it ran (timezone-aware) and what it found."""

    timestamp: datetime
    errors: tuple[HealthCheckIssue, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.errors

    @classmethod
    def from_json(cls, value: Any, where: str = "data") -> HealthCheckResult | None:
        """``None`` for ``{}``: no health check has run on the device yet."""
        obj = expect_object(value, where)
        if not obj:
            return None
        text = req_str(obj, "timestamp", where)
        try:
            # Python 3.10's fromisoformat does not read a "Z" suffix.
            stamp = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            raise ParseError(f"{where}.timestamp {text!r} is not an ISO 8601 time") from None
        if stamp.tzinfo is None:
            raise ParseError(f"{where}.timestamp {text!r} has no UTC offset")
        issues = []
        for index, item in enumerate(opt_list(obj, "errors", where)):
            entry = expect_object(item, f"{where}.errors[{index}]")
            issues.append(
                HealthCheckIssue(
                    code=req_int(entry, "code", f"{where}.errors[{index}]"),
                    message=req_str(entry, "message", f"{where}.errors[{index}]"),
                )
            )
        return cls(timestamp=stamp, errors=tuple(issues))
