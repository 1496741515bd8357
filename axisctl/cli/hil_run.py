"""``axisctl hil run`` and ``axisctl hil report``: the bundled scenarios under pytest, the report.

``run`` starts pytest in a child process (its own interpreter, so the plugin's signal
handling and the bench's threads live and die with it) on the scenarios shipped in
``axisctl.hil`` with the HIL plugin's ``--rig`` and ``--hil-report``, then prints a summary
read from the run record. Its exit status is pytest's. See docs/hil-harness.md.
"""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import click

from axisctl.cli.hil_group import hil

#: Where the report goes when --report is not given.
DEFAULT_REPORT = "hil-report"
#: Exit status for a child ended by a signal, as a shell reports it.
SIGNAL_EXIT_BASE = 128


@hil.command(
    "run",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True},
)
@click.option(
    "--rig",
    required=True,
    metavar="FILE|virtual",
    help="The rig file of the bench (docs/hil-rig-file.md), or 'virtual' for the simulated "
    "site of the bundled virtual rig.",
)
@click.option(
    "--report",
    "report_dir",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_REPORT,
    show_default=True,
    help="Folder for the HTML report (index.html), the run record (run.json) and each "
    "test's log (logs/).",
)
@click.option(
    "-k",
    "keyword",
    metavar="EXPR",
    help="Only the scenarios whose names match, as pytest's -k: 'gate and not blocked'.",
)
@click.option(
    "--scenarios-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    hidden=True,
    help="Run the tests in this folder instead of the bundled scenarios.",
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def run(
    rig: str,
    report_dir: Path,
    keyword: str | None,
    scenarios_dir: Path | None,
    pytest_args: tuple[str, ...],
) -> None:
    """Run the bundled HIL scenarios on a rig and write an HTML report.

    Every scenario (strobe, gate, door, camera) is a pytest test; a scenario that needs
    something the rig lacks is skipped with the reason. Anything after the options goes
    to pytest as it is (-x, -v, --maxfail=1, a scenario's file or node id...).

    \b
    On the simulated site, with a report in ./hil-report/:
      axisctl hil run --rig virtual
    On a Raspberry Pi bench, the gate scenarios only, stopping at the first failure:
      axisctl hil run --rig bench.yaml --report out/ -k gate -x
    Open the report:
      xdg-open hil-report/index.html

    The exit status is pytest's: 0 all passed, 1 some failed, 2 interrupted, 4 usage
    error (a rig file mistake, shown with its file:line:column), 5 nothing collected.
    """
    if importlib.util.find_spec("pytest") is None:
        raise click.ClickException(
            "the HIL harness runs on pytest, which is not installed: pip install 'axisctl[hil]'"
        )
    before = _stamp(report_dir / "run.json")
    with _scenarios(scenarios_dir) as folder:
        command = _pytest_command(folder, rig, report_dir, keyword, pytest_args)
        status = _run_child(command)
    # A run that ended before writing its record (a rig file mistake, a crash) leaves an
    # earlier run's run.json in the folder: summing that up would report the wrong run.
    if _stamp(report_dir / "run.json") != before:
        _summary(report_dir)
    sys.exit(status)


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells one version of ``path`` from another: its inode and modification time."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns


@contextmanager
def _scenarios(given: Path | None) -> Iterator[Path]:
    if given is not None:
        yield given.resolve()
        return
    bundled = resources.files("axisctl.hil") / "scenarios"
    if not bundled.is_dir():
        raise click.ClickException(
            "the bundled scenarios (axisctl/hil/scenarios) are missing from this installation"
        )
    with resources.as_file(bundled) as folder:
        yield Path(folder)


def _pytest_command(
    folder: Path, rig: str, report_dir: Path, keyword: str | None, extra: Sequence[str]
) -> list[str]:
    rig_arg = rig if rig == "virtual" else str(Path(rig).expanduser().resolve())
    command = [sys.executable, "-m", "pytest", str(folder), "--rootdir", str(folder)]
    # The scenarios may live in site-packages: no cache folder written next to them.
    command += ["-p", "no:cacheprovider", "--rig", rig_arg]
    command += ["--hil-report", str(report_dir.expanduser().resolve())]
    if keyword:
        command += ["-k", keyword]
    if importlib.util.find_spec("pytest_asyncio") is not None:
        # Its default, set, so that it does not warn on every run (no scenario is async).
        command += ["-o", "asyncio_default_fixture_loop_scope=function"]
    return [*command, *extra]


def _run_child(command: list[str]) -> int:
    """Run pytest, letting it handle Ctrl-C (it gets the terminal's SIGINT too) and passing
    on a SIGTERM sent to this process, so that it can leave the rig safe either way."""
    child = subprocess.Popen(command)  # noqa: S603 - our own interpreter and arguments
    previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    previous_term = signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    try:
        status = child.wait()
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)
    return SIGNAL_EXIT_BASE - status if status < 0 else status


def _summary(report_dir: Path) -> None:
    from axisctl.hil.report_data import read_run

    try:
        run_record = read_run(report_dir / "run.json")
    except (OSError, ValueError):
        return
    counts = ", ".join(f"{n} {outcome}" for outcome, n in run_record.counts().items() if n)
    click.echo(
        f"\nHIL run on rig {run_record.rig_name} ({run_record.rig_kind}): "
        f"{counts or 'no tests'} in {run_record.duration:.1f} s"
    )
    for test in run_record.tests:
        if test.outcome in ("failed", "error", "interrupted"):
            click.echo(f"  {test.outcome}: {test.nodeid}")
    latencies: dict[str, list[float]] = {}
    for test in run_record.tests:
        for measured in test.latencies:
            latencies.setdefault(measured.name, []).append(measured.seconds * 1000)
    if latencies:
        click.echo("Latencies (ms, min / max):")
        width = max(len(name) for name in latencies)
        for name, values in sorted(latencies.items()):
            click.echo(f"  {name:<{width}}  {min(values):8.1f} / {max(values):8.1f}")
    click.echo(f"Report: {(report_dir / 'index.html').resolve()}")


@hil.command("report")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def report(directory: Path) -> None:
    """Render a run's HTML report again from its run.json.

    \b
      axisctl hil report hil-report/      # writes hil-report/index.html
    """
    from axisctl.hil.report import render_directory

    try:
        page = render_directory(directory)
    except (OSError, ValueError) as error:
        raise click.ClickException(f"cannot render {directory}: {error}") from None
    click.echo(f"Report: {page.resolve()}")
