"""``axisctl siren`` start, stop, status, maintenance and health: what the device does now."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import click
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from axisctl.apis.sirenlight import (
    Duration,
    DurationUnit,
    HealthCheckResult,
    LightActivity,
    SirenActivity,
    Status,
)
from axisctl.cli.app import Connection
from axisctl.cli.output import console, err_console, print_json, print_table
from axisctl.cli.siren_commands import json_option, pass_connection, priority_text, siren
from axisctl.cli.siren_options import DURATION, any_setting, setting_options, settings
from axisctl.errors import AxisError

#: Seconds between two looks at the last health check while one runs.
HEALTH_POLL_S = 0.5


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
            if any_setting(options):
                raise click.UsageError("give either a PROFILE or pattern options, not both")
            started = device.siren_light.start(profile)
        else:
            siren_settings, light_settings = settings(options)
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
                    priority_text(activity.priority),
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
