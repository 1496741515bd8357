"""What the simulated strobe speaker can play: the manual's pattern lists and their settings.

The names are the manual's (19 light patterns, 29 sound patterns). The manual gives no
speeds, colour counts, intensities or cycle lengths; the values below follow the shape of
the Axis ``getCapabilities`` example (Alternate: speed 1-2, 2-4 colours; Steady: speed 1,
one colour; light intensity 1-2 at PoE class 3 and 1-5 at class 4) and are recorded in
docs/decisions.md. ``period_s`` is the length of one repetition, used by durations counted
in repetitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COLORS = ("red", "green", "blue", "amber", "white")
PRIORITIES = tuple(range(1, 11))
DEFAULT_PRIORITY = 3
#: Priorities above 10 belong to the device itself.
MAINTENANCE_PRIORITY = 11
IDENTIFY_PRIORITY = 12
HEALTH_CHECK_PRIORITY = 13
MAX_SECONDS = 259_200
MAX_REPETITIONS = 20
POE_CLASSES = ("3", "4")


@dataclass(frozen=True)
class LightPattern:
    name: str
    speeds: tuple[int, ...]
    min_colors: int
    max_colors: int
    default_colors: tuple[str, ...]
    period_s: int
    default_speed: int = 1

    def intensities(self, poe_class: str) -> tuple[int, ...]:
        return (1, 2) if poe_class == "3" else (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class SirenPattern:
    name: str
    period_s: int

    def intensities(self, poe_class: str) -> tuple[int, ...]:
        return (1, 2, 3, 4, 5)


_FAST = (1, 2, 3, 4)

LIGHT_PATTERNS: dict[str, LightPattern] = {
    p.name: p
    for p in (
        LightPattern("Off", (1,), 0, 0, (), 1),
        LightPattern("Steady", (1,), 1, 1, ("red",), 1),
        LightPattern("Alternate", (1, 2), 2, 4, ("red", "blue"), 1),
        LightPattern("Pulse", _FAST, 1, 1, ("white",), 2, default_speed=2),
        LightPattern("Escalate 3 steps", (1, 2), 1, 1, ("red",), 3),
        LightPattern("Blink", _FAST, 1, 1, ("amber",), 1, default_speed=2),
        LightPattern("Blink 3x", (1, 2), 1, 1, ("amber",), 2),
        LightPattern("Blink 4x", (1, 2), 1, 1, ("amber",), 2),
        LightPattern("Blink 3x fade", (1, 2), 1, 1, ("amber",), 2),
        LightPattern("Blink 4x fade", (1, 2), 1, 1, ("amber",), 2),
        LightPattern("Flash 1x", (1, 2), 1, 1, ("white",), 1),
        LightPattern("Flash 3x", (1, 2), 1, 1, ("white",), 1),
        LightPattern("Direction A", (1,), 1, 1, ("white",), 1),
        LightPattern("Direction B", (1,), 1, 1, ("white",), 1),
        LightPattern("Direction C", (1,), 1, 1, ("white",), 1),
        LightPattern("Direction D", (1,), 1, 1, ("white",), 1),
        LightPattern("Rotate", _FAST, 1, 1, ("blue",), 2, default_speed=2),
        LightPattern("Random", _FAST, 1, 4, ("red", "green", "blue", "amber"), 2),
        LightPattern("Spin", _FAST, 1, 2, ("red", "blue"), 2, default_speed=2),
    )
}

_SOUNDS = (
    ("Alarm: Alarm high pitch", 2),
    ("Alarm: Alarm low pitch", 2),
    ("Alarm: Bird", 3),
    ("Alarm: Boat horn", 3),
    ("Alarm: Car alarm", 4),
    ("Alarm: Car alarm fast", 2),
    ("Alarm: Classic clock", 3),
    ("Alarm: First attender", 4),
    ("Alarm: Horror", 5),
    ("Alarm: Industrial", 3),
    ("Alarm: Single beep", 1),
    ("Alarm: Soft quad beep", 2),
    ("Alarm: Soft triple beep", 2),
    ("Alarm: Triple high pitch", 2),
    ("Notification: Accepted", 1),
    ("Notification: Calling", 3),
    ("Notification: Denied", 1),
    ("Notification: Done", 1),
    ("Notification: Entry", 2),
    ("Notification: Failed", 1),
    ("Notification: Hurry", 2),
    ("Notification: Message", 2),
    ("Notification: Next", 1),
    ("Notification: Open", 2),
    ("Siren: Alternate", 2),
    ("Siren: Bouncy", 3),
    ("Siren: Evac", 4),
    ("Siren: Falling pitch", 3),
    ("Siren: Home soft", 3),
)
SIREN_PATTERNS: dict[str, SirenPattern] = {name: SirenPattern(name, p) for name, p in _SOUNDS}


def _choice(possible: tuple[int, ...], default: int) -> dict[str, Any]:
    return {"possible": list(possible), "default": default}


def _priority() -> dict[str, Any]:
    return _choice(PRIORITIES, DEFAULT_PRIORITY)


def capabilities(poe_class: str) -> dict[str, Any]:
    """The ``getCapabilities`` data of a device powered at ``poe_class``."""
    siren = [
        {
            "name": p.name,
            "intensity": {"poeClass": {c: _choice(p.intensities(c), 2) for c in POE_CLASSES}},
            "priority": _priority(),
        }
        for p in SIREN_PATTERNS.values()
    ]
    light = [
        {
            "name": p.name,
            "speed": _choice(p.speeds, p.default_speed),
            "colors": {
                "minNbrColors": p.min_colors,
                "maxNbrColors": p.max_colors,
                "possible": list(COLORS),
                "default": list(p.default_colors),
            },
            "intensity": {"poeClass": {c: _choice(p.intensities(c), 2) for c in POE_CLASSES}},
            "priority": _priority(),
        }
        for p in LIGHT_PATTERNS.values()
    ]
    return {
        "siren": {"supportedPatterns": siren},
        "light": {"supportedPatterns": light},
        "healthCheckSupport": True,
        "maintenanceModeSupport": True,
        "poeClass": poe_class,
    }
