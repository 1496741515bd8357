"""``axisctl hil check``: walk every wire of a rig and say what is wired right.

For each item of the rig file the check moves one end and watches the other, through the
same bench the scenarios use (docs/hil-rig-guide.md, "Checking the wiring")::

    report = check_rig(load_rig("bench.yaml"), timeout=5.0)
    for result in report.results:
        print(result.item, result.status.value, result.detail)
    sys.exit(0 if report.ok else 1)

Results: ``OK``; ``NO CHANGE`` (nothing seen); ``INVERTED`` (the far end reads the opposite
level); ``STUCK`` (already active before, and stays so); ``WRONG LINE`` (another line
moved, named in the detail); ``SKIPPED`` (with the reason); ``ERROR`` (the check itself
could not run: a device refused a call, a port is set the wrong way). The bench is made
safe at the end whatever happens, Ctrl-C included, and everything the check changed on a
device is put back.
"""

from __future__ import annotations

import enum
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from axisctl.errors import AxisError
from axisctl.hil.bench import Bench
from axisctl.hil.rig_model import Rig, RigKind
from axisctl.hil.site import Site
from axisctl.hil.timeline import Timeline

__all__ = ["CheckContext", "CheckReport", "CheckResult", "Status", "check_bench", "check_rig"]

logger = logging.getLogger(__name__)

#: Seconds each observation waits by default (``--timeout``).
DEFAULT_TIMEOUT = 5.0


class Status(enum.Enum):
    """What the check found for one item."""

    OK = "OK"
    NO_CHANGE = "NO CHANGE"
    INVERTED = "INVERTED"
    STUCK = "STUCK"
    WRONG_LINE = "WRONG LINE"
    SKIPPED = "SKIPPED"
    ERROR = "ERROR"


@dataclass(frozen=True)
class CheckResult:
    """One item: its name, its kind (``pi-to-device``, ``sensor``...), the path the
    signal takes, what was found and the detail a person needs to fix it."""

    item: str
    kind: str
    path: str
    status: Status
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "item": self.item,
            "kind": self.kind,
            "path": self.path,
            "result": self.status.value,
            "detail": self.detail,
        }


@dataclass
class CheckReport:
    """Every result of a check, in the order the items were checked."""

    rig: str
    kind: RigKind
    source: str
    pins: str = ""
    results: list[CheckResult] = field(default_factory=list)
    #: What the check changed for its duration and put back, for the reader's information.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every item that could be checked is OK (skipped ones do not count)."""
        return all(r.status in (Status.OK, Status.SKIPPED) for r in self.results)

    def counts(self) -> dict[str, int]:
        found = {status.value: 0 for status in Status}
        for result in self.results:
            found[result.status.value] += 1
        return {name: count for name, count in found.items() if count}

    def to_json(self) -> dict[str, Any]:
        return {
            "rig": self.rig,
            "kind": self.kind.value,
            "source": self.source,
            "pins": self.pins,
            "ok": self.ok,
            "counts": self.counts(),
            "results": [result.to_json() for result in self.results],
            "notes": list(self.notes),
        }


Progress = Callable[[str], None]


@dataclass
class CheckContext:
    """What every item check shares: the bench, the wait, what to undo at the end."""

    bench: Bench
    timeout: float
    report: CheckReport
    progress: Progress | None = None
    #: Devices that did not answer: their items are skipped, and why.
    broken: dict[str, str] = field(default_factory=dict)
    #: Devices whose wired ports could not be configured for the check, and why.
    port_problems: dict[str, str] = field(default_factory=dict)
    poll: float = 0.05
    _undo: list[tuple[str, Callable[[], object]]] = field(default_factory=list)

    def add(self, result: CheckResult) -> None:
        self.report.results.append(result)

    def step(self, what: str) -> None:
        if self.progress is not None:
            self.progress(what)

    def undo_later(self, what: str, action: Callable[[], object]) -> None:
        """Register ``action`` to put back what the check changed (run last, in reverse)."""
        self._undo.append((what, action))

    def undo_all(self) -> None:
        while self._undo:
            what, action = self._undo.pop()
            try:
                action()
            except Exception as error:
                logger.warning("could not %s: %s", what, error)
                self.report.notes.append(f"could not {what}: {error}")


def check_rig(
    rig: Rig,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    site: Site | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Open a bench on ``rig``, check every item, close the bench (safe) and report.

    On a physical rig each device is asked who it is before the bench opens, so that one
    that does not answer is reported as such instead of stopping the whole check.
    """
    from axisctl.hil.bench import default_site
    from axisctl.hil.check_items import probe_endpoints

    if site is None:
        site = default_site(rig)
    timeline = Timeline()
    report = CheckReport(rig.name, site.kind, rig.source)
    if site.kind is RigKind.PHYSICAL:
        site.start(rig, timeline)
        try:
            report.pins = type(site.pin_factory).__name__
            broken = probe_endpoints(rig, site, report)
        except BaseException:
            site.close()
            raise
        if broken:
            site.close()
            _skip_everything(rig, report, broken)
            return report
    bench = Bench(rig, site, timeline=timeline)
    try:
        bench.start()
        report.pins = type(site.pin_factory).__name__
        check_bench(bench, timeout=timeout, report=report, progress=progress)
    finally:
        bench.close()
    return report


def check_bench(
    bench: Bench,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    report: CheckReport | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Check every item of a started bench; the bench is left safe, devices as found."""
    from axisctl.hil import check_items, check_readers, check_wires

    rig = bench.rig
    if report is None:
        report = CheckReport(rig.name, bench.kind, rig.source)
    context = CheckContext(bench, timeout, report, progress)
    try:
        check_items.check_devices(context)
        check_items.check_broker(context)
        # Sensors first: on a physical rig, action rules react to the wires' moves (an
        # input that starts a profile) and could leave a light on.
        check_readers.check_sensors(context)
        check_wires.prepare_ports(context)
        check_wires.check_outputs(context)
        check_wires.check_inputs(context)
        check_wires.check_unused_channels(context)
        check_readers.check_wiegand(context)
        check_readers.check_osdp(context)
    finally:
        try:
            bench.make_safe()
        finally:
            context.undo_all()
    return report


def _skip_everything(rig: Rig, report: CheckReport, broken: dict[str, str]) -> None:
    from axisctl.hil.check_items import item_rows

    done = {(result.item, result.kind) for result in report.results}
    for item, kind, path, device in item_rows(rig):
        if (item, kind) in done:
            continue
        if device in broken:
            why = f"{device} did not answer: fix that first"
        else:
            why = f"not checked: {', '.join(sorted(broken))} did not answer"
        report.results.append(CheckResult(item, kind, path, Status.SKIPPED, why))


def broker_reachable(host: str, port: int, timeout: float) -> str | None:
    """``None`` if a TCP connection to the broker opens, else why not."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as error:
        return error.strerror or str(error)


def error_text(error: BaseException) -> str:
    """An exception as one line for a result's detail (axisctl errors never carry secrets)."""
    if isinstance(error, AxisError):
        return str(error)
    return f"{type(error).__name__}: {error}"
