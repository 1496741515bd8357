"""Check siren, light and profile requests the way the device does, with its error codes.

Each check returns the normalised settings (defaults filled in from the capabilities) or
raises :class:`ServiceError` with the documented code: 22x0 pattern, 22x2 intensity,
22x4 priority, 22x6 duration unit, 22x8 duration value (x = 0 siren, 1 light), 2211 colour
count, 2212 colour, 2213/2214 name/description length, 2215 speed.
"""

from __future__ import annotations

from typing import Any

from axisctl.sim.sirenlight.patterns import (
    COLORS,
    DEFAULT_PRIORITY,
    LIGHT_PATTERNS,
    MAX_REPETITIONS,
    MAX_SECONDS,
    PRIORITIES,
    SIREN_PATTERNS,
)

MAX_NAME = 50
MAX_DESCRIPTION = 250


class ServiceError(Exception):
    """A request the service refuses: answered as ``error: {code, message}``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _duration(raw: object, *, offset: int, what: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ServiceError(2104, f"Invalid parameter value specified: {what}.duration")
    unit = raw.get("unit")
    if unit not in ("seconds", "repetitions"):
        raise ServiceError(2206 + offset, f"Requested {what} duration unit is invalid")
    value = _int(raw.get("value"))
    limit = MAX_SECONDS if unit == "seconds" else MAX_REPETITIONS
    if value is None or not 0 <= value <= limit:
        raise ServiceError(2208 + offset, f"Requested {what} duration is invalid")
    return {"unit": unit, "value": value}


def _priority(raw: object, *, offset: int, what: str) -> int:
    if raw is None:
        return DEFAULT_PRIORITY
    value = _int(raw)
    if value is None or value not in PRIORITIES:
        raise ServiceError(2204 + offset, f"Requested {what} priority is invalid")
    return value


def _intensity(raw: object, possible: tuple[int, ...], *, offset: int, what: str) -> int:
    if raw is None:
        return 2 if 2 in possible else possible[0]
    value = _int(raw)
    if value is None or value not in possible:
        raise ServiceError(2202 + offset, f"Requested {what} intensity is invalid")
    return value


def siren(raw: object, poe_class: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ServiceError(2104, "Invalid parameter value specified: siren")
    name = raw.get("pattern")
    if name is None:
        raise ServiceError(2103, "Required parameter missing: siren.pattern")
    pattern = SIREN_PATTERNS.get(name) if isinstance(name, str) else None
    if pattern is None:
        raise ServiceError(2200, "Requested siren pattern is invalid")
    settings: dict[str, Any] = {
        "pattern": pattern.name,
        "intensity": _intensity(
            raw.get("intensity"), pattern.intensities(poe_class), offset=0, what="siren"
        ),
        "priority": _priority(raw.get("priority"), offset=0, what="siren"),
    }
    duration = _duration(raw.get("duration"), offset=0, what="siren")
    if duration is not None:
        settings["duration"] = duration
    return settings


def light(raw: object, poe_class: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ServiceError(2104, "Invalid parameter value specified: light")
    name = raw.get("pattern")
    if name is None:
        raise ServiceError(2103, "Required parameter missing: light.pattern")
    pattern = LIGHT_PATTERNS.get(name) if isinstance(name, str) else None
    if pattern is None:
        raise ServiceError(2201, "Requested light pattern is invalid")
    speed_raw = raw.get("speed")
    speed = pattern.default_speed if speed_raw is None else _int(speed_raw)
    if speed is None or speed not in pattern.speeds:
        raise ServiceError(2215, "Requested speed is invalid")
    colors_raw = raw.get("colors")
    colors = list(pattern.default_colors) if colors_raw is None else colors_raw
    if not isinstance(colors, list):
        raise ServiceError(2104, "Invalid parameter value specified: light.colors")
    if not pattern.min_colors <= len(colors) <= pattern.max_colors:
        raise ServiceError(2211, "Requested number of colors is invalid")
    if any(color not in COLORS for color in colors):
        raise ServiceError(2212, "Requested color is invalid")
    settings: dict[str, Any] = {
        "pattern": pattern.name,
        "speed": speed,
        "colors": list(colors),
        "intensity": _intensity(
            raw.get("intensity"), pattern.intensities(poe_class), offset=1, what="light"
        ),
        "priority": _priority(raw.get("priority"), offset=1, what="light"),
    }
    duration = _duration(raw.get("duration"), offset=1, what="light")
    if duration is not None:
        settings["duration"] = duration
    return settings


def profile(raw: object, poe_class: str) -> dict[str, Any]:
    """A stored profile: name, optional description, siren and/or light settings."""
    if not isinstance(raw, dict):
        raise ServiceError(1202, "Requested profile is invalid")
    name = raw.get("name")
    if name is None:
        raise ServiceError(2103, "Required parameter missing: name")
    if not isinstance(name, str) or not name.strip():
        raise ServiceError(2104, "Invalid parameter value specified: name")
    if len(name) > MAX_NAME:
        raise ServiceError(2213, "Profile name is too long")
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        raise ServiceError(2104, "Invalid parameter value specified: description")
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise ServiceError(2214, "Description is too long")
    if raw.get("siren") is None and raw.get("light") is None:
        raise ServiceError(1202, "Requested profile is invalid")
    stored: dict[str, Any] = {"name": name}
    if description is not None:
        stored["description"] = description
    if raw.get("siren") is not None:
        stored["siren"] = siren(raw["siren"], poe_class)
    if raw.get("light") is not None:
        stored["light"] = light(raw["light"], poe_class)
    return stored
