"""``axisctl lpr settings``: how the app reads plates and when it opens the barrier."""

from __future__ import annotations

import os
from typing import Any

import click

from axisctl.apis.lpr import AccessControlType, BarrierDirection, BarrierMode, ListKey, LprSettings
from axisctl.cli.app import Connection
from axisctl.cli.lpr_group import lpr
from axisctl.cli.lpr_output import json_option, pass_connection
from axisctl.cli.output import console, print_json, print_table

__all__ = ["lpr_settings"]


def settings_json(settings: LprSettings) -> dict[str, Any]:
    return {
        "detection": {
            "sensitivity": settings.sensitivity,
            "minChars": settings.min_chars,
            "charDeviation": settings.char_deviation,
            "strictMatching": settings.strict_matching,
            "ttlSeconds": settings.ttl_s,
        },
        "barrier": {
            "accessControl": settings.access_control.value,
            "mode": settings.barrier_mode.value,
            "lists": [key.value for key in ListKey if key in settings.barrier_lists],
            "direction": settings.barrier_direction.value,
            "roi": settings.barrier_roi,
            "ioPort": settings.io_port,
            "pulseMs": settings.pulse_ms,
            "relayUrl": settings.relay_url,
            "relayUser": settings.relay_user,
            "relayPort": settings.relay_port,
        },
    }


def _print_settings(settings: LprSettings) -> None:
    lists = ", ".join(key.value for key in ListKey if key in settings.barrier_lists) or "none"
    rows: list[tuple[str, object]] = [
        ("sensitivity", settings.sensitivity),
        ("minimum characters", settings.min_chars),
        ("character deviation", settings.char_deviation),
        ("strict matching", "on" if settings.strict_matching else "off"),
        ("lost after (s)", settings.ttl_s),
        ("access control", settings.access_control.value),
        ("barrier mode", settings.barrier_mode.value),
        ("open for lists", lists),
        ("vehicle direction", settings.barrier_direction.value),
        ("region of interest", settings.barrier_roi),
        ("camera output port", settings.io_port),
        ("pulse (ms)", settings.pulse_ms),
        ("relay module", settings.relay_url or "(none)"),
        ("relay user", settings.relay_user or "(none)"),
        ("relay port", settings.relay_port),
    ]
    print_table(None, ("setting", "value"), rows)


@lpr.group("settings")
def lpr_settings() -> None:
    """Detection parameters and access control (the barrier).

    \b
    Examples:
      axisctl lpr settings show
      axisctl lpr settings set --min-chars 4 --strict
      axisctl lpr settings set --access io --barrier open_from_lists --lists allow \\
          --direction in --io-port 2 --pulse-ms 2000
      RELAY_PW=secret axisctl lpr settings set --access relay --relay-url 192.168.0.20 \\
          --relay-user root --relay-password-env RELAY_PW --relay-port 9
    """


@lpr_settings.command("show")
@json_option
@pass_connection
def settings_show(conn: Connection, as_json: bool) -> None:
    """Detection and barrier settings (the relay password is never shown).

    \b
    Examples:
      axisctl lpr settings show
      axisctl lpr settings show --json
    """
    with conn.device() as device:
        settings = device.lpr.settings()
    if as_json:
        print_json(settings_json(settings))
    else:
        _print_settings(settings)


@lpr_settings.command("set")
@click.option("--sensitivity", type=click.FloatRange(0, 1), help="Drop reads scored lower (0-1).")
@click.option("--min-chars", type=click.IntRange(1, 10), help="Ignore shorter plates.")
@click.option(
    "--deviation", type=click.IntRange(0, 3), help="Characters a plate may differ from a list."
)
@click.option("--strict/--no-strict", default=None, help="Strict matching: exact plates only.")
@click.option("--ttl", type=click.IntRange(1, 60), help="Seconds after the last read until LOST.")
@click.option(
    "--access",
    type=click.Choice([t.value for t in AccessControlType]),
    help="What opens the barrier: the camera's output (io), a relay module, a controller.",
)
@click.option("--barrier", type=click.Choice([m.value for m in BarrierMode]), help="Barrier mode.")
@click.option("--lists", metavar="allow,block,custom", help="Lists whose plates open it.")
@click.option(
    "--direction",
    type=click.Choice([d.value for d in BarrierDirection]),
    help="Vehicle direction that opens it.",
)
@click.option("--roi", type=click.Choice(["all", "1", "2"]), help="Region of interest.")
@click.option("--io-port", type=click.IntRange(1, 64), help="Camera output port (P1455-LE: 2).")
@click.option("--pulse-ms", type=click.IntRange(100, 60_000), help="How long the output pulses.")
@click.option("--relay-url", help="The I/O relay module: host[:port] or URL.")
@click.option("--relay-user", help="User name on the relay module.")
@click.option("--relay-password-env", metavar="VAR", help="Relay module password from $VAR.")
@click.option(
    "--relay-port", type=click.IntRange(1, 16), help="Relay module port (9-16 = relays 1-8)."
)
@pass_connection
def settings_set(
    conn: Connection,
    sensitivity: float | None,
    min_chars: int | None,
    deviation: int | None,
    strict: bool | None,
    ttl: int | None,
    access: str | None,
    barrier: str | None,
    lists: str | None,
    direction: str | None,
    roi: str | None,
    io_port: int | None,
    pulse_ms: int | None,
    relay_url: str | None,
    relay_user: str | None,
    relay_password_env: str | None,
    relay_port: int | None,
) -> None:
    """Change detection or barrier settings; those not given stay as they are.

    \b
    Examples:
      axisctl lpr settings set --sensitivity 0.45 --deviation 2
      axisctl lpr settings set --access io --barrier open_from_lists --lists allow,custom
    """
    relay_password = None
    if relay_password_env is not None:
        relay_password = os.environ.get(relay_password_env)
        if relay_password is None:
            raise click.UsageError(
                f"--relay-password-env {relay_password_env}: that environment variable is not set"
            )
    barrier_lists = None
    if lists is not None:
        barrier_lists = [part.strip() for part in lists.split(",") if part.strip()]
    given = (
        sensitivity, min_chars, deviation, strict, ttl, access, barrier, barrier_lists,
        direction, roi, io_port, pulse_ms, relay_url, relay_user, relay_password, relay_port,
    )  # fmt: skip
    if all(value is None for value in given):
        raise click.UsageError("nothing to change: give at least one setting")
    with conn.device() as device:
        device.lpr.set_settings(
            sensitivity=sensitivity,
            min_chars=min_chars,
            char_deviation=deviation,
            strict_matching=strict,
            ttl_s=ttl,
            access_control=access,
            barrier_mode=barrier,
            barrier_lists=barrier_lists,
            barrier_direction=direction,
            barrier_roi=roi,
            io_port=io_port,
            pulse_ms=pulse_ms,
            relay_url=relay_url,
            relay_user=relay_user,
            relay_port=relay_port,
            relay_password=relay_password,
        )
        stored = device.lpr.settings()
    console.print("Settings saved", highlight=False)
    _print_settings(stored)
