"""``axisctl siren``: the group, and the device's light and siren profiles.

Starting and stopping activities, maintenance mode and the health check are in
:mod:`axisctl.cli.siren_run`; the options they share are in :mod:`axisctl.cli.siren_options`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from axisctl.apis.sirenlight import (
    MAX_PROFILES,
    RESERVED_PRIORITIES,
    Capabilities,
    Duration,
    LightSettings,
    Profile,
    SirenSettings,
    UploadMode,
    check_profiles,
    dumps_profiles,
    profiles_from_json,
    read_profiles,
    write_profiles,
)
from axisctl.cli.app import Connection, cli
from axisctl.cli.output import console, err_console, print_json, print_table
from axisctl.cli.siren_options import any_setting, setting_options, settings
from axisctl.errors import ConfigurationError, ParseError

pass_connection = click.make_pass_decorator(Connection)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


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


def priority_text(priority: int | None) -> str:
    if priority is None:
        return "default"
    reserved = RESERVED_PRIORITIES.get(priority)
    return f"{priority} ({reserved})" if reserved else str(priority)


def _priorities(profile: Profile) -> str:
    light = profile.light.priority if profile.light else None
    siren = profile.siren.priority if profile.siren else None
    if profile.light and profile.siren and light != siren:
        return f"light {priority_text(light)}, siren {priority_text(siren)}"
    return priority_text(light if profile.light else siren)


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
        if name or description or any_setting(options):
            raise click.UsageError("give either --from-json FILE or NAME with settings, not both")
        profiles = _profiles_from_file(from_json)
    else:
        if not name:
            raise click.UsageError("give a profile NAME (or --from-json FILE)")
        siren_settings, light_settings = settings(options)
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
