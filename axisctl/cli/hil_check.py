"""``axisctl hil check``: is every wire of a rig where the rig file says (docs/hil-rig-guide.md)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from types import FrameType

import click
from rich.table import Table
from rich.text import Text

from axisctl.cli.hil_group import hil
from axisctl.cli.output import console, err_console, print_json
from axisctl.hil.check import DEFAULT_TIMEOUT, CheckReport, Status, check_rig
from axisctl.hil.rig import load_rig

_STYLE = {
    Status.OK: "green",
    Status.NO_CHANGE: "red",
    Status.INVERTED: "red",
    Status.STUCK: "red",
    Status.WRONG_LINE: "red",
    Status.SKIPPED: "yellow",
    Status.ERROR: "bold red",
}


@contextmanager
def _interrupts_once() -> Iterator[None]:
    """Ctrl-C and SIGTERM raise ``KeyboardInterrupt`` once; later ones are ignored, so
    that making the bench safe runs to its end."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    seen = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal seen
        if not seen:
            seen = True
            raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@hil.command("check")
@click.option(
    "--rig",
    "rig_path",
    required=True,
    metavar="FILE|virtual",
    help='The rig file to check; "virtual" is the bundled simulated site.',
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for the far end of each item to follow.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def hil_check(ctx: click.Context, rig_path: str, timeout: float, as_json: bool) -> None:
    """Walk every wire of a rig: move one end, watch the other, say what is wired right.

    \b
    Pi-to-device wires (and their relay channels): the Pi line goes active, the device's
    port is read through the library, the line goes back. Device-to-pi wires: the device's
    output is set, the Pi line watched, the output set back. Sensors: a light or siren
    pattern on the strobe they watch. Wiegand: a test card, and the device's card event.
    OSDP: the device polls the reader. Each item is OK, NO CHANGE, INVERTED, STUCK, WRONG
    LINE (naming what moved instead), SKIPPED (saying why) or ERROR.

    \b
    The bench is made safe at the end, Ctrl-C included, and what the check changed on a
    device (ports' direction, an output, the intercom's external reader) is put back.
    Credentials come from the environment variables the rig file names.

    \b
    Examples:
      axisctl hil check --rig virtual
      axisctl hil check --rig bench.yaml --timeout 10
      axisctl hil check --rig bench.yaml --json | jq '.results[] | select(.result != "OK")'

    \b
    Exit status: 0 when every item that could be checked is OK, 1 when one is not,
    9 when the rig file or the environment is unusable, 130 when interrupted.
    """
    rig = load_rig(rig_path)
    spinner = (
        err_console.status(f"checking rig {rig.name}...")
        if not as_json and sys.stderr.isatty()
        else nullcontext()
    )
    with _interrupts_once():
        try:
            with spinner as status:
                progress: Callable[[str], None] | None = None
                if status is not None:

                    def progress(what: str) -> None:
                        status.update(f"checking {what}...")

                report = check_rig(rig, timeout=timeout, progress=progress)
        except KeyboardInterrupt:
            err_console.print("interrupted: the bench was made safe and the devices put back")
            ctx.exit(130)
    if as_json:
        print_json(report.to_json())
    else:
        _show(report)
    ctx.exit(0 if report.ok else 1)


def _show(report: CheckReport) -> None:
    pins = f", pins: {report.pins}" if report.pins else ""
    table = Table(
        title=Text(f"hil check: {report.rig} ({report.kind.value}{pins})"), title_justify="left"
    )
    for column in ("item", "kind", "path", "result", "detail"):
        table.add_column(column, overflow="fold")
    for result in report.results:
        table.add_row(
            Text(result.item),
            Text(result.kind),
            Text(result.path),
            Text(result.status.value, style=_STYLE[result.status]),
            Text(result.detail),
        )
    console.print(table)
    for note in report.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    counts = ", ".join(f"{count} {name}" for name, count in report.counts().items())
    verdict = "all wired right" if report.ok else "not all wired right"
    console.print(f"{verdict}: {counts}", highlight=False, markup=False)
