"""``axisctl vinput``: set virtual inputs high or low, list the API's schema versions."""

from __future__ import annotations

import click

from axisctl.cli.app import Connection, cli
from axisctl.cli.output import console, print_json, print_table

pass_connection = click.make_pass_decorator(Connection)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
port_argument = click.argument("port", type=click.IntRange(min=1), metavar="PORT")


@cli.group()
def vinput() -> None:
    """Virtual inputs: ports another system sets over HTTP to trigger the device's rules.

    Ports are numbered from 1 (most devices have 64). A rule such as "I/O > Virtual input,
    Port 1 -> run light and siren profile while the rule is active" runs while the port is
    active. Needs an operator or administrator account.

    \b
    Examples:
      axisctl vinput activate 1                 # port 1 high until deactivated
      axisctl vinput activate 1 --duration 30   # high, back to low by itself after 30 s
      axisctl vinput activate 2 --duration 0    # a pulse: high, then low at once
      axisctl vinput deactivate 1
      axisctl vinput versions --json
    """


def _report(port: int, changed: bool, *, active: bool, duration: int | None = None) -> str:
    state = "active" if active else "inactive"
    if changed:
        line = f"virtual input {port}: now {state}"
    else:
        line = f"virtual input {port}: already {state}, unchanged"
    if active and duration == 0:
        line += " (pulsed: set inactive again at once)"
    elif active and duration is not None:
        line += f" (the device sets it inactive in {duration} s)"
    return line


@vinput.command("activate")
@port_argument
@click.option(
    "--duration",
    type=click.IntRange(min=0),
    metavar="SECONDS",
    help="Let the device deactivate the port after SECONDS (also if it was already active); "
    "0 gives a pulse.",
)
@json_option
@pass_connection
def vinput_activate(conn: Connection, port: int, duration: int | None, as_json: bool) -> None:
    """Set virtual input PORT active and say whether its state changed.

    \b
    Examples:
      axisctl vinput activate 1
      axisctl vinput activate 3 --duration 10 --json
    """
    with conn.device() as device:
        changed = device.virtual_inputs.activate(port, duration=duration)
    if as_json:
        print_json({"port": port, "action": "activate", "changed": changed, "duration": duration})
        return
    console.print(_report(port, changed, active=True, duration=duration), highlight=False)


@vinput.command("deactivate")
@port_argument
@json_option
@pass_connection
def vinput_deactivate(conn: Connection, port: int, as_json: bool) -> None:
    """Set virtual input PORT inactive and say whether its state changed.

    Also cancels a pending deactivation of an earlier --duration.

    \b
    Example:
      axisctl vinput deactivate 1
    """
    with conn.device() as device:
        changed = device.virtual_inputs.deactivate(port)
    if as_json:
        print_json({"port": port, "action": "deactivate", "changed": changed})
        return
    console.print(_report(port, changed, active=False), highlight=False)


@vinput.command("versions")
@json_option
@pass_connection
def vinput_versions(conn: Connection, as_json: bool) -> None:
    """List the schema versions of the virtual input API the device supports.

    \b
    Example:
      axisctl vinput versions --json
    """
    with conn.device() as device:
        versions = device.virtual_inputs.schema_versions()
    if as_json:
        print_json(versions)
        return
    print_table(
        None,
        ("version", "deprecated"),
        [(str(v), "yes" if v.deprecated else "no") for v in versions],
    )
