"""Commands that talk to one device: info, params, users, apis."""

from __future__ import annotations

import os
import sys

import click

from axisctl.apis.pwdgrp import Role
from axisctl.cli.app import Connection, cli
from axisctl.cli.output import console, print_json, print_table

pass_connection = click.make_pass_decorator(Connection)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


@cli.command()
@json_option
@pass_connection
def info(conn: Connection, as_json: bool) -> None:
    """Show what the device is: model, serial number, firmware, readiness."""
    with conn.device() as device:
        details = device.info.get_all()
        ready = device.system.status()
    if as_json:
        print_json({"device": device.url, "info": details, "systemready": ready})
        return
    print_table(
        f"{details.prod_full_name or 'Axis device'} at {device.url}",
        ("property", "value"),
        [
            ("Product number", details.prod_nbr),
            ("Product type", details.prod_type),
            ("Serial number", details.serial_number),
            ("AXIS OS", details.version),
            ("Build date", details.build_date),
            ("Hardware ID", details.hardware_id),
            ("Architecture", details.architecture),
            ("System ready", "yes" if ready.ready else "no"),
            ("Needs setup", "yes" if ready.needs_setup else "no"),
            ("Uptime (s)", ready.uptime_s),
        ],
    )


@cli.group()
def params() -> None:
    """Read and change device parameters (param.cgi)."""


@params.command("list")
@click.argument("groups", nargs=-1, metavar="[GROUP]...")
@json_option
@pass_connection
def params_list(conn: Connection, groups: tuple[str, ...], as_json: bool) -> None:
    """List parameters, all or those in GROUP (e.g. Brand, Network, ImageSource.*.Name)."""
    with conn.device() as device:
        values = device.params.list(*groups)
    if as_json:
        print_json(values)
        return
    print_table(None, ("parameter", "value"), sorted(values.items()))


@params.command("set")
@click.argument("assignments", nargs=-1, required=True, metavar="NAME=VALUE...")
@pass_connection
def params_set(conn: Connection, assignments: tuple[str, ...]) -> None:
    """Set parameters; all are checked by the device before any is changed.

    \b
    Example:
      axisctl params set Image.I0.Appearance.Resolution=1280x720 Image.I0.Appearance.Compression=40
    """
    updates: dict[str, str] = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{assignment!r} is not NAME=VALUE", param_hint="NAME=VALUE")
        updates[name] = value
    with conn.device() as device:
        device.params.update(updates)
    console.print(f"set {len(updates)} parameter{'s' if len(updates) != 1 else ''}")


@cli.group()
def users() -> None:
    """Manage user accounts (pwdgrp.cgi); needs an administrator account."""


@users.command("list")
@json_option
@pass_connection
def users_list(conn: Connection, as_json: bool) -> None:
    """List accounts with their roles."""
    with conn.device() as device:
        accounts = device.users.list()
    if as_json:
        print_json(accounts)
        return
    print_table(
        None,
        ("user", "role", "ptz"),
        [(u.name, u.role.value if u.role else "-", "yes" if u.ptz else "no") for u in accounts],
    )


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    required=True,
    help="viewer: watch only; operator: all but system settings; admin: everything.",
)
@click.option("--ptz", is_flag=True, help="Also allow pan, tilt and zoom.")
@click.option("--comment", help="Free text stored with the account.")
@pass_connection
def users_add(conn: Connection, name: str, role: str, ptz: bool, comment: str | None) -> None:
    """Create account NAME. The new password is read from AXISCTL_NEW_PASSWORD or prompted for."""
    password = _new_password()
    with conn.device() as device:
        device.users.add(name, password, Role(role), ptz=ptz, comment=comment)
    console.print(f"created {name} ({role})")


@users.command("remove")
@click.argument("name")
@pass_connection
def users_remove(conn: Connection, name: str) -> None:
    """Delete account NAME."""
    with conn.device() as device:
        device.users.remove(name)
    console.print(f"removed {name}")


def _new_password() -> str:
    from_env = os.environ.get("AXISCTL_NEW_PASSWORD")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise click.UsageError("set AXISCTL_NEW_PASSWORD or run in a terminal to be prompted")
    value: str = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    return value


@cli.command()
@json_option
@pass_connection
def apis(conn: Connection, as_json: bool) -> None:
    """List the APIs the device announces through API discovery."""
    with conn.device() as device:
        entries = device.discovery.list()
    if as_json:
        print_json(entries)
        return
    print_table(
        None,
        ("id", "version", "name", "status"),
        [
            (e.id, e.version, e.name, e.raw_status or "")
            for e in sorted(entries, key=lambda e: e.id)
        ],
    )
