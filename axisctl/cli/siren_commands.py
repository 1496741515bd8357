"""``axisctl siren``: light and siren profiles, activities, maintenance mode, health check."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from axisctl.apis.sirenlight import (
    MAX_PROFILES,
    RESERVED_PRIORITIES,
    Capabilities,
    Duration,
    DurationUnit,
    HealthCheckResult,
    LightActivity,
    LightSettings,
    Profile,
    SirenActivity,
    SirenSettings,
    Status,
    UploadMode,
    check_profiles,
    dumps_profiles,
    profiles_from_json,
    read_profiles,
    write_profiles,
)
from axisctl.cli.app import Connection, cli
from axisctl.cli.output import console, err_console, print_json, print_table
from axisctl.errors import AxisError, ConfigurationError, ParseError

pass_connection = click.make_pass_decorator(Connection)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")

F = TypeVar("F", bound=Callable[..., Any])

#: Seconds between two looks at the last health check while one runs.
HEALTH_POLL_S = 0.5


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


def _settings(options: dict[str, Any]) -> tuple[SirenSettings | None, LightSettings | None]:
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


def _any_setting(options: dict[str, Any]) -> bool:
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


# --- formatting -------------------------------------------------------------------------


def _duration_text(duration: Duration | None) -> str:
    if duration is None:
        return "continuous"
    return str(duration)


def _light_text(light: LightSettings | None) -> str:
    if light is None:
        return "-"
    parts = [light.pattern]
    if light.colors:
        parts.append("/".join(light.colors))
    if light.speed is not None:
        parts.append(f"speed {light.speed}")
    if light.intensity is not None:
        parts.append(f"intensity {light.intensity}")
    parts.append(_duration_text(light.duration))
    return ", ".join(parts)


def _siren_text(siren: SirenSettings | None) -> str:
    if siren is None:
        return "-"
    parts = [siren.pattern]
    if siren.intensity is not None:
        parts.append(f"intensity {siren.intensity}")
    parts.append(_duration_text(siren.duration))
    return ", ".join(parts)


def _priority_text(priority: int | None) -> str:
    if priority is None:
        return "default"
    reserved = RESERVED_PRIORITIES.get(priority)
    return f"{priority} ({reserved})" if reserved else str(priority)


def _priorities(profile: Profile) -> str:
    light = profile.light.priority if profile.light else None
    siren = profile.siren.priority if profile.siren else None
    if profile.light and profile.siren and light != siren:
        return f"light {_priority_text(light)}, siren {_priority_text(siren)}"
    return _priority_text(light if profile.light else siren)


def _ints(values: Sequence[int]) -> str:
    if len(values) > 2 and list(values) == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}-{values[-1]}"
    return ", ".join(str(v) for v in values)


# --- commands ---------------------------------------------------------------------------


@cli.group()
def siren() -> None:
    """Light and siren of a strobe speaker (siren_and_light.cgi).

    A profile is a named light pattern and/or siren pattern with a priority 1-10. Of the
    activities started, the highest priority plays; the others wait behind it and play again
    when it stops. Priorities 11 (maintenance), 12 (identify) and 13 (health check) belong to
    the device. A new device starts in maintenance mode: the siren stays silent and the light
    pulses white until `axisctl siren maintenance off`.

    \b
    Examples:
      axisctl siren capabilities                       # patterns and allowed values
      axisctl siren add Intruder --light Alternate --color red --color blue \\
          --siren "Alarm: Horror" --priority 5 --duration 30s
      axisctl siren start Intruder
      axisctl siren status
      axisctl siren stop Intruder
      axisctl siren export profiles.json               # then on another device:
      axisctl siren import profiles.json --mode overwrite
    """


@siren.command("capabilities")
@json_option
@pass_connection
def capabilities_command(conn: Connection, as_json: bool) -> None:
    """Show the patterns the device offers and the values each setting may take."""
    with conn.device() as device:
        caps = device.siren_light.capabilities()
    if as_json:
        print_json(caps)
        return
    console.print(
        f"PoE class {caps.poe_class or '?'}; health check: "
        f"{'yes' if caps.health_check else 'no'}; maintenance mode: "
        f"{'yes' if caps.maintenance_mode else 'no'}"
    )
    rows = []
    for light in caps.light_patterns:
        intensity = caps.intensity_choice(light)
        colors = light.colors
        rows.append(
            (
                "light",
                light.name,
                _ints(light.speed.possible) if light.speed else "-",
                (
                    f"{colors.min_colors}-{colors.max_colors} of {', '.join(colors.possible)}"
                    if colors and colors.max_colors
                    else "-"
                ),
                _ints(intensity.possible) if intensity else "-",
            )
        )
    for sound in caps.siren_patterns:
        intensity = caps.intensity_choice(sound)
        rows.append(
            ("siren", sound.name, "-", "-", _ints(intensity.possible) if intensity else "-")
        )
    print_table(None, ("kind", "pattern", "speed", "colors", "intensity"), rows)


@siren.command("profiles")
@json_option
@pass_connection
def profiles_command(conn: Connection, as_json: bool) -> None:
    """List the profiles stored on the device (--json prints the export file format)."""
    with conn.device() as device:
        profiles = device.siren_light.profiles()
    if as_json:
        print(dumps_profiles(profiles), end="")
        return
    print_table(
        f"{len(profiles)} of {MAX_PROFILES} profiles",
        ("name", "priority", "light", "siren", "description"),
        [
            (p.name, _priorities(p), _light_text(p.light), _siren_text(p.siren), p.description)
            for p in profiles
        ],
    )


@siren.command("add")
@click.argument("name", required=False)
@click.option("--description", help="Free text, at most 250 characters.")
@setting_options
@click.option(
    "--from-json",
    "from_json",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add the profile (an object) or profiles (an array) in this JSON file instead.",
)
@click.option("--no-validate", is_flag=True, help="Send as given; let the device check it.")
@pass_connection
def add_command(
    conn: Connection,
    /,
    name: str | None,
    description: str | None,
    from_json: Path | None,
    no_validate: bool,
    **options: Any,
) -> None:
    """Store a new profile NAME with a light pattern, a siren pattern or both.

    Values left out take the device's defaults for the pattern. The profile is checked
    against the device's capabilities first, and a refusal names the allowed values.

    \b
    Examples:
      axisctl siren add Intruder --light Alternate --color red --color blue \\
          --siren "Alarm: Horror" --priority 5 --duration 30s
      axisctl siren add Doorbell --siren "Notification: Entry" --siren-duration 2x
      axisctl siren add Night --light Steady --color amber --light-intensity 1 \\
          --description "Steady amber for the night shift"
      axisctl siren add --from-json profile.json
    """
    if from_json is not None:
        if name or description or _any_setting(options):
            raise click.UsageError("give either --from-json FILE or NAME with settings, not both")
        profiles = _profiles_from_file(from_json)
    else:
        if not name:
            raise click.UsageError("give a profile NAME (or --from-json FILE)")
        siren_settings, light_settings = _settings(options)
        if siren_settings is None and light_settings is None:
            raise click.UsageError("give --light PATTERN, --siren PATTERN or both")
        profiles = [
            Profile(name, description=description, siren=siren_settings, light=light_settings)
        ]
    with conn.device() as device:
        caps = None if no_validate else device.siren_light.capabilities()
        for profile in profiles:
            device.siren_light.add_profile(profile, validate=not no_validate, capabilities=caps)
            console.print(f"added {profile.name}")


def _profiles_from_file(path: Path) -> list[Profile]:
    try:
        value = json.loads(path.read_bytes())
    except RecursionError:
        raise ParseError(f"{path}: JSON nested too deeply") from None
    except ValueError as exc:
        raise ParseError(f"{path}: not valid JSON ({exc})") from None
    return profiles_from_json([value] if isinstance(value, dict) else value, source=str(path))


@siren.command("remove")
@click.argument("name")
@pass_connection
def remove_command(conn: Connection, name: str) -> None:
    """Delete profile NAME."""
    with conn.device() as device:
        device.siren_light.remove_profile(name)
    console.print(f"removed {name}")


@siren.command("start")
@click.argument("profile", required=False)
@setting_options
@click.option("--no-validate", is_flag=True, help="Send as given; let the device check it.")
@json_option
@pass_connection
def start_command(
    conn: Connection, /, profile: str | None, no_validate: bool, as_json: bool, **options: Any
) -> None:
    """Start stored PROFILE, or a light and/or siren pattern given by options.

    Prints the ids of what started; `stop --light-id N` stops one of them.

    \b
    Examples:
      axisctl siren start Intruder
      axisctl siren start --light Steady --color green --light-priority 1
      axisctl siren start --siren "Siren: Evac" --light Rotate --color red --duration 3x
    """
    with conn.device() as device:
        if profile is not None:
            if _any_setting(options):
                raise click.UsageError("give either a PROFILE or pattern options, not both")
            started = device.siren_light.start(profile)
        else:
            siren_settings, light_settings = _settings(options)
            if siren_settings is None and light_settings is None:
                raise click.UsageError("give a PROFILE, or --light PATTERN and/or --siren PATTERN")
            started = device.siren_light.start_pattern(
                siren=siren_settings, light=light_settings, validate=not no_validate
            )
    if as_json:
        print_json(started)
        return
    parts = [
        f"{kind} id {value}"
        for kind, value in (("siren", started.siren_id), ("light", started.light_id))
        if value is not None
    ]
    console.print(f"started {profile or 'pattern'}: {', '.join(parts) or 'nothing'}")


@siren.command("stop")
@click.argument("profile", required=False)
@click.option("--siren-id", type=int, help="Stop the siren activity with this id.")
@click.option("--light-id", type=int, help="Stop the light activity with this id.")
@click.option("--all", "stop_all", is_flag=True, help="Stop every siren and light activity.")
@pass_connection
def stop_command(
    conn: Connection,
    profile: str | None,
    siren_id: int | None,
    light_id: int | None,
    stop_all: bool,
) -> None:
    """Stop what PROFILE started, activities by id, or --all.

    Maintenance mode and a running health check are not stopped by --all; use
    `siren maintenance off` for the former.

    \b
    Examples:
      axisctl siren stop Intruder
      axisctl siren stop --light-id 3
      axisctl siren stop --all
    """
    chosen = sum((profile is not None, siren_id is not None or light_id is not None, stop_all))
    if chosen != 1:
        raise click.UsageError("give exactly one of PROFILE, --siren-id/--light-id, or --all")
    with conn.device() as device:
        if profile is not None:
            device.siren_light.stop(profile)
            what = profile
        elif stop_all:
            device.siren_light.stop_all()
            what = "all siren and light activities"
        else:
            device.siren_light.stop_ids(siren_id=siren_id, light_id=light_id)
            what = " and ".join(
                f"{kind} id {value}"
                for kind, value in (("siren", siren_id), ("light", light_id))
                if value is not None
            )
    console.print(f"stopped {what}")


@siren.command("status")
@json_option
@pass_connection
def status_command(conn: Connection, as_json: bool) -> None:
    """Show every activity, running or waiting; * marks what is seen and heard now."""
    with conn.device() as device:
        status = device.siren_light.status()
    if as_json:
        print_json(
            {
                "sirens": status.sirens,
                "lights": status.lights,
                "siren_playing": status.siren_playing.id if status.siren_playing else None,
                "light_showing": status.light_showing.id if status.light_showing else None,
            }
        )
        return
    if status.idle:
        console.print("idle: no siren or light activity")
        return
    print_table(
        None,
        ("", "kind", "id", "pattern", "priority", "colors", "intensity", "left", "profile"),
        _status_rows(status),
    )


def _status_rows(status: Status) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    playing: SirenActivity | LightActivity | None
    for kind, activities, playing in (
        ("light", status.lights, status.light_showing),
        ("siren", status.sirens, status.siren_playing),
    ):
        for activity in activities:
            colors = "/".join(activity.colors) if isinstance(activity, LightActivity) else ""
            left = activity.duration_left
            rows.append(
                (
                    "*" if activity is playing else "",
                    kind,
                    activity.id,
                    activity.pattern,
                    _priority_text(activity.priority),
                    colors,
                    activity.intensity,
                    "" if left is None else f"{left:g}",
                    activity.profile,
                )
            )
    return rows


@siren.command("maintenance")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option(
    "--duration",
    **DURATION,
    help="With `on`: end maintenance mode by itself after this time (e.g. 3600, 45m, 2h).",
)
@pass_connection
def maintenance_command(conn: Connection, state: str, duration: Duration | None) -> None:
    """Turn maintenance mode on or off.

    In maintenance mode the siren stays silent and the light pulses white, whatever
    profiles run, so that nobody working on the device is deafened or dazzled. The mode
    and its remaining time survive a restart.

    \b
    Examples:
      axisctl siren maintenance on --duration 2h
      axisctl siren maintenance off
    """
    if duration is not None:
        if state == "off":
            raise click.UsageError("--duration goes with `on` only")
        if duration.unit is not DurationUnit.SECONDS:
            raise click.BadParameter("give a time such as 3600, 45m or 2h", param_hint="--duration")
    with conn.device() as device:
        device.siren_light.set_maintenance(
            state == "on", duration.value if duration is not None else None
        )
    until = f" for {duration.value} s" if duration is not None else ""
    console.print(f"maintenance mode {state}{until}")


@siren.command("health")
@click.option("--last", is_flag=True, help="Show the last result without running a new check.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds to wait for the check to finish.",
)
@json_option
@pass_connection
def health_command(conn: Connection, last: bool, timeout: float, as_json: bool) -> None:
    """Run a health check and wait for its result (lights in turn, then a test tone).

    \b
    Examples:
      axisctl siren health
      axisctl siren health --last --json
    """
    with conn.device() as device:
        api = device.siren_light
        if last:
            result = api.last_health_check()
        else:
            before = api.last_health_check()
            api.run_health_check()
            result = _wait_for_health_check(
                api.last_health_check, before, timeout, show=not as_json
            )
    if as_json:
        print_json(
            None
            if result is None
            else {
                "timestamp": result.timestamp.isoformat(),
                "passed": result.passed,
                "errors": result.errors,
            }
        )
        return
    if result is None:
        console.print("no health check has run on this device yet")
        return
    when = result.timestamp.isoformat()
    if result.passed:
        console.print(f"health check of {when}: passed")
        return
    console.print(f"health check of {when}: {len(result.errors)} problem(s)")
    print_table(None, ("code", "message"), [(e.code, e.message) for e in result.errors])


def _wait_for_health_check(
    poll: Callable[[], HealthCheckResult | None],
    before: HealthCheckResult | None,
    timeout: float,
    *,
    show: bool,
) -> HealthCheckResult:
    deadline = time.monotonic() + timeout
    with Progress(
        SpinnerColumn(),
        TextColumn("health check running"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        # A progress display on a pipe or a log file is noise.
        disable=not show or not err_console.is_terminal,
    ) as progress:
        task = progress.add_task("health", total=timeout)
        started = time.monotonic()
        while True:
            result = poll()
            if result is not None and (before is None or result.timestamp != before.timestamp):
                return result
            if time.monotonic() >= deadline:
                raise AxisError(
                    f"the health check did not finish within {timeout:g} s; "
                    "see `axisctl siren health --last` later"
                )
            time.sleep(HEALTH_POLL_S)
            progress.update(task, completed=min(timeout, time.monotonic() - started))


@siren.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.argument("names", nargs=-1, metavar="[NAME]...")
@pass_connection
def export_command(conn: Connection, file: Path, names: tuple[str, ...]) -> None:
    """Write profiles, all or those named, to FILE as JSON (`-` for standard output).

    The file is what `siren import` and the device's own upload take, so it moves profiles
    between devices unchanged. It is written whole or not at all.

    \b
    Examples:
      axisctl siren export profiles.json
      axisctl siren export intruder.json Intruder "Night shift"
    """
    with conn.device() as device:
        profiles = device.siren_light.profiles()
    if names:
        by_name = {p.name: p for p in profiles}
        missing = [n for n in names if n not in by_name]
        if missing:
            have = ", ".join(repr(p.name) for p in profiles) or "none"
            raise ConfigurationError(
                f"no profile named {', '.join(map(repr, missing))} on the device; it has: {have}"
            )
        profiles = [by_name[n] for n in names]
    if str(file) == "-":
        sys.stdout.write(dumps_profiles(profiles))
        return
    write_profiles(file, profiles)
    console.print(f"exported {len(profiles)} profile{'s' if len(profiles) != 1 else ''} to {file}")


@siren.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mode",
    type=click.Choice([m.value for m in UploadMode]),
    default=UploadMode.ADD.value,
    show_default=True,
    help="add: keep existing profiles, a taken name is an error; overwrite: replace profiles "
    "of the same name; erase_and_add: delete every profile first.",
)
@click.option("--no-validate", is_flag=True, help="Upload as read; let the device check it.")
@pass_connection
def import_command(conn: Connection, file: Path, mode: str, no_validate: bool) -> None:
    """Upload the profiles in FILE (as written by `siren export`) in one request.

    Every profile is checked against the device's capabilities before anything is sent;
    a bad file or profile changes nothing on the device.

    \b
    Examples:
      axisctl siren import profiles.json
      axisctl siren import profiles.json --mode erase_and_add
    """
    profiles = read_profiles(file)
    with (
        conn.device() as device,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        ) as progress,
    ):
        caps: Capabilities | None = None
        if not no_validate:
            task = progress.add_task("checking profiles", total=len(profiles))
            caps = device.siren_light.capabilities()
            check_profiles(
                profiles,
                caps,
                on_checked=lambda index, profile: progress.update(
                    task, completed=index + 1, description=f"checked {profile.name}"
                ),
            )
        upload = progress.add_task(f"uploading {len(profiles)} profiles", total=1)
        device.siren_light.upload_profiles(profiles, UploadMode(mode), validate=False)
        progress.update(upload, completed=1)
    count = f"{len(profiles)} profile{'s' if len(profiles) != 1 else ''}"
    console.print(f"imported {count} from {file} ({mode})")
