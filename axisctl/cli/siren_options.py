"""Options shared by the ``axisctl siren`` commands: durations, colours, settings to profiles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from axisctl.apis.sirenlight import Duration, LightSettings, SirenSettings

F = TypeVar("F", bound=Callable[..., Any])


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> Duration | None:
    """``30s``, ``5m``, ``2h``, ``3x`` (repetitions) or ``continuous``."""
    if value is None:
        return None
    try:
        return Duration.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


DURATION: dict[str, Any] = {"callback": _duration, "metavar": "DURATION"}

_SETTING_OPTIONS: tuple[Callable[[F], F], ...] = (
    click.option("--light", "light_pattern", metavar="PATTERN", help="Light pattern, e.g. Pulse."),
    click.option("--speed", type=int, help="Light speed (see `siren capabilities`)."),
    click.option(
        "--color",
        "colors",
        multiple=True,
        metavar="COLOR",
        help="Light color; repeat for patterns with several (red, green, blue, amber, white).",
    ),
    click.option("--light-intensity", type=int, help="Light intensity."),
    click.option("--light-priority", type=int, help="Light priority 1-10."),
    click.option("--light-duration", **DURATION, help="Light duration: 30s, 5m, 3x."),
    click.option("--siren", "siren_pattern", metavar="PATTERN", help="Siren pattern."),
    click.option("--siren-intensity", type=int, help="Siren intensity."),
    click.option("--siren-priority", type=int, help="Siren priority 1-10."),
    click.option("--siren-duration", **DURATION, help="Siren duration: 30s, 5m, 3x."),
    click.option("--priority", type=int, help="Priority 1-10 of both siren and light."),
    click.option(
        "--duration",
        **DURATION,
        help="Duration of both: 30s, 5m, 2h (time), 3x (repetitions) or continuous (default).",
    ),
)


def setting_options(function: F) -> F:
    for option in reversed(_SETTING_OPTIONS):
        function = option(function)
    return function


def settings(options: dict[str, Any]) -> tuple[SirenSettings | None, LightSettings | None]:
    """Siren and light settings from the shared options; ``None`` for a part not given."""
    light_only = ("speed", "colors", "light_intensity", "light_priority", "light_duration")
    siren_only = ("siren_intensity", "siren_priority", "siren_duration")
    if not options.get("light_pattern") and any(options.get(k) for k in light_only):
        raise click.UsageError("light settings need a light pattern: add --light PATTERN")
    if not options.get("siren_pattern") and any(options.get(k) for k in siren_only):
        raise click.UsageError("siren settings need a siren pattern: add --siren PATTERN")
    siren = light = None
    if options.get("siren_pattern"):
        siren = SirenSettings(
            pattern=options["siren_pattern"],
            intensity=options.get("siren_intensity"),
            duration=options.get("siren_duration") or options.get("duration"),
            priority=_first(options.get("siren_priority"), options.get("priority")),
        )
    if options.get("light_pattern"):
        light = LightSettings(
            pattern=options["light_pattern"],
            speed=options.get("speed"),
            colors=tuple(options["colors"]) if options.get("colors") else None,
            intensity=options.get("light_intensity"),
            duration=options.get("light_duration") or options.get("duration"),
            priority=_first(options.get("light_priority"), options.get("priority")),
        )
    return siren, light


def _first(*values: int | None) -> int | None:
    return next((v for v in values if v is not None), None)


def any_setting(options: dict[str, Any]) -> bool:
    return any(
        options.get(k)
        for k in (
            "light_pattern",
            "speed",
            "colors",
            "light_intensity",
            "light_priority",
            "light_duration",
            "siren_pattern",
            "siren_intensity",
            "siren_priority",
            "siren_duration",
            "priority",
            "duration",
        )
    )
