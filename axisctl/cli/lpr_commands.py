"""``axisctl lpr lists``: the License Plate Verifier's three plate lists on a camera."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from axisctl.apis.lpr import (
    WEEKDAYS,
    ListKey,
    ListMode,
    PlateCsvError,
    PlateCsvLineError,
    Schedule,
)
from axisctl.cli.app import Connection
from axisctl.cli.lpr_group import lpr
from axisctl.cli.lpr_output import (
    json_option,
    list_json,
    pass_connection,
    schedule_text,
)
from axisctl.cli.output import console, err_console, print_json, print_table

__all__ = ["lpr", "lpr_lists"]

key_argument = click.argument("key", type=click.Choice([k.value for k in ListKey]))
#: Exit code of an import refused for bad lines (as "invalid input" elsewhere).
EXIT_BAD_CSV = 9


@lpr.group("lists")
def lpr_lists() -> None:
    """The app's allow, block and custom lists: show, add, remove, import and export plates.

    Lists are named by key (allow, block, custom), which stays when a list is renamed.
    CSV files use the manual's format "license plate,date,description" with ISO dates:

    \b
      AXIS123
      AXIS123,,John Smith
      AXIS123,2022-06-08,John Smith

    \b
    Examples:
      axisctl lpr lists show
      axisctl lpr lists show allow --json
      axisctl lpr lists add allow ABC123 --description "Delivery van"
      axisctl lpr lists import allow vehicles.csv
      axisctl lpr lists export block - > blocked.csv
      axisctl lpr lists schedule allow --from 07:00 --to 18:00 --days Mon-Fri
    """


@lpr_lists.command("show")
@click.argument("key", required=False, type=click.Choice([k.value for k in ListKey]))
@json_option
@pass_connection
def lists_show(conn: Connection, key: str | None, as_json: bool) -> None:
    """The lists (name, mode, schedule, plate count), or the plates of list KEY.

    \b
    Examples:
      axisctl lpr lists show
      axisctl lpr lists show block
      axisctl lpr lists show --json
    """
    with conn.device() as device:
        lists = device.lpr.lists()
        wanted = [pl for pl in lists if key is None or pl.key.value == key]
        plates = {pl.key: device.lpr.plates(pl.key) for pl in wanted}
    if as_json:
        documents = [list_json(pl, plates[pl.key]) for pl in wanted]
        print_json(documents[0] if key is not None else documents)
        return
    if key is None:
        rows = [
            (pl.key.value, pl.name, pl.mode.value, len(plates[pl.key]), schedule_text(pl.schedules))
            for pl in wanted
        ]
        print_table(None, ("list", "name", "mode", "plates", "active"), rows)
        return
    plate_list = wanted[0]
    console.print(
        f"{plate_list.name} ({plate_list.key.value}), mode {plate_list.mode.value}, "
        f"active {schedule_text(plate_list.schedules)}: {len(plates[plate_list.key])} plates",
        highlight=False,
    )
    entries = [
        (e.plate, e.date.isoformat() if e.date else "", e.description)
        for e in plates[plate_list.key]
    ]
    if entries:
        print_table(None, ("plate", "date", "description"), entries)


@lpr_lists.command("add")
@key_argument
@click.argument("plate")
@click.option(
    "--date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date kept with the plate, YYYY-MM-DD.",
)
@click.option("--description", default="", help="Text kept with the plate (who, which car).")
@pass_connection
def lists_add(
    conn: Connection, key: str, plate: str, date: dt.datetime | None, description: str
) -> None:
    """Put PLATE on list KEY; a plate already there gets the new date and description.

    \b
    Examples:
      axisctl lpr lists add allow ABC123
      axisctl lpr lists add block "M SR1669" --date 2023-09-29 --description "Stolen"
    """
    with conn.device() as device:
        device.lpr.add_plate(
            key, plate, date=date.date() if date else None, description=description
        )
    console.print(f"Added {plate} to the {key} list", highlight=False)


@lpr_lists.command("remove")
@key_argument
@click.argument("plate")
@pass_connection
def lists_remove(conn: Connection, key: str, plate: str) -> None:
    """Take PLATE off list KEY (exit 6 if it is not on it).

    \b
    Example:
      axisctl lpr lists remove allow ABC123
    """
    with conn.device() as device:
        device.lpr.remove_plate(key, plate)
    console.print(f"Removed {plate} from the {key} list", highlight=False)


def _print_line_errors(source: str, errors: tuple[PlateCsvLineError, ...], prefix: str) -> None:
    for error in errors:
        where = f"{source}:{error.line_number}" if error.line_number else source
        err_console.print(
            f"{prefix}{where}: {error.reason}", highlight=False, markup=False, soft_wrap=True
        )
        if error.line:
            err_console.print(
                f"    {error.line[:120]}", highlight=False, markup=False, soft_wrap=True
            )


@lpr_lists.command("import")
@key_argument
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--skip-bad-lines",
    is_flag=True,
    help="Import the good lines and report the bad ones, instead of importing nothing.",
)
@pass_connection
def lists_import(conn: Connection, key: str, file: Path, skip_bad_lines: bool) -> None:
    """Add the plates of a CSV FILE ('-' for stdin) to list KEY.

    The file is checked first. Every bad line is reported with its number and reason, and
    nothing is imported (exit 9) unless --skip-bad-lines. Plates already on the list get
    the date and description from the file.

    \b
    Examples:
      axisctl lpr lists import allow vehicles.csv
      axisctl lpr lists import block stolen.csv --skip-bad-lines
    """
    source = "stdin" if str(file) == "-" else str(file)
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise click.FileError(source, exc.strerror or str(exc)) from None
    with conn.device() as device:
        try:
            result = device.lpr.import_csv(key, data, skip_bad_lines=skip_bad_lines)
        except PlateCsvError as exc:
            _print_line_errors(source, exc.errors, "")
            count = len(exc.errors)
            err_console.print(
                f"[bold red]invalid input:[/] {count} bad line{'s' if count != 1 else ''} "
                f"in {source}; nothing imported",
                highlight=False,
                soft_wrap=True,
            )
            click.get_current_context().exit(EXIT_BAD_CSV)
    _print_line_errors(source, result.skipped, "skipped ")
    skipped = f"; skipped {len(result.skipped)} bad lines" if result.skipped else ""
    console.print(f"Imported {result.imported} plates to the {key} list{skipped}", highlight=False)


@lpr_lists.command("export")
@key_argument
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@pass_connection
def lists_export(conn: Connection, key: str, file: Path) -> None:
    """Write list KEY to a CSV FILE ('-' for stdout) that "lists import" reads back.

    \b
    Examples:
      axisctl lpr lists export allow allow.csv
      axisctl lpr lists export block -
    """
    with conn.device() as device:
        text = device.lpr.export_csv(key)
    if str(file) == "-":
        sys.stdout.write(text)
        return
    file.write_text(text, encoding="utf-8")
    count = text.count("\n")
    err_console.print(f"Exported {count} plates of the {key} list to {file}", highlight=False)


@lpr_lists.command("rename")
@key_argument
@click.argument("name")
@pass_connection
def lists_rename(conn: Connection, key: str, name: str) -> None:
    """Give list KEY a new display name (events and pushes show it).

    \b
    Example:
      axisctl lpr lists rename allow "Residents"
    """
    with conn.device() as device:
        stored = device.lpr.set_list(key, name=name)
    console.print(f"The {key} list is now called {stored.name}", highlight=False)


@lpr_lists.command("mode")
@key_argument
@click.argument("mode", type=click.Choice([m.value for m in ListMode]))
@pass_connection
def lists_mode(conn: Connection, key: str, mode: str) -> None:
    """Set what a hit on list KEY means: allow, block or none (only reported).

    \b
    Example:
      axisctl lpr lists mode custom block
    """
    with conn.device() as device:
        stored = device.lpr.set_list(key, mode=mode)
    console.print(f"{stored.name} ({key}) has mode {stored.mode.value}", highlight=False)


def _days(text: str) -> frozenset[str]:
    """``Mon-Fri``, ``Sat,Sun``, ``all``."""
    if text.strip().lower() in ("all", "every", "daily"):
        return frozenset(WEEKDAYS)
    days: set[str] = set()
    by_name = {day.lower(): day for day in WEEKDAYS}
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        start, end = (
            by_name.get(first.strip().lower()),
            by_name.get((last or first).strip().lower()),
        )
        if start is None or end is None:
            raise click.BadParameter(
                f"{part.strip()!r} is not a day or range of {', '.join(WEEKDAYS)}",
                param_hint="--days",
            )
        low, high = WEEKDAYS.index(start), WEEKDAYS.index(end)
        if low > high:
            raise click.BadParameter(f"{part.strip()!r} runs backwards", param_hint="--days")
        days.update(WEEKDAYS[low : high + 1])
    return frozenset(days)


def _time(value: str | None, option: str) -> dt.time:
    try:
        return dt.datetime.strptime(value or "", "%H:%M").time()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not HH:MM", param_hint=option) from None


@lpr_lists.command("schedule")
@key_argument
@click.option("--from", "start", metavar="HH:MM", help="Start of the daily window.")
@click.option(
    "--to", "end", metavar="HH:MM", help="End of the window; before --from runs overnight."
)
@click.option("--days", default="all", show_default=True, help="Days: Mon-Fri, Sat,Sun or all.")
@click.option("--always", is_flag=True, help="Remove the schedule: the list always applies.")
@pass_connection
def lists_schedule(
    conn: Connection, key: str, start: str | None, end: str | None, days: str, always: bool
) -> None:
    """Make list KEY apply only in a weekly window (camera time, UTC), or always.

    \b
    Examples:
      axisctl lpr lists schedule allow --from 07:00 --to 18:00 --days Mon-Fri
      axisctl lpr lists schedule allow --from 22:00 --to 06:00
      axisctl lpr lists schedule allow --always
    """
    if always == (start is not None or end is not None):
        raise click.UsageError("give --from and --to, or --always")
    schedule = (
        Schedule()
        if always
        else Schedule.window(_time(start, "--from"), _time(end, "--to"), _days(days))
    )
    with conn.device() as device:
        stored = device.lpr.set_list(key, schedules=[schedule])
    console.print(
        f"{stored.name} ({key}) applies {schedule_text(stored.schedules)}", highlight=False
    )
