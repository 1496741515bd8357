"""What the plugin keeps about each test and the rig while a run goes on.

:class:`OpenTest` gathers a test's reports (setup, call, teardown) into one outcome, its
timeline window and its log; :meth:`OpenTest.record` turns it into the
:class:`~axisctl.hil.report_data.TestRecord` of ``run.json``. The helpers below describe
the rig for the run record and say, after the rig was made safe, what state each output
is in (and, on the virtual rig, the simulated port at its far end).
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from axisctl.hil.report_data import DeviceRecord, LineRecord, RunRecord, TestRecord, window_record
from axisctl.hil.rig_model import Rig
from axisctl.hil.timeline import Latency, Timeline, TimelineWindow

if TYPE_CHECKING:
    from axisctl.hil.bench import Bench

__all__ = [
    "OpenTest",
    "describe_run_rig",
    "line_records",
    "probe_devices",
    "safe_report",
    "skip_reason",
]

logger = logging.getLogger(__name__)

#: A failure's text is kept whole up to this size in run.json (the log file has the rest).
MAX_MESSAGE = 20_000


@dataclass
class OpenTest:
    """One test while it runs: outcome so far, its window, its log."""

    nodeid: str
    outcome: str = "passed"
    message: str = ""
    duration: float = 0.0
    since: float | None = None
    until: float | None = None
    latencies: list[Latency] = field(default_factory=list)
    log: str = ""
    log_file: str | None = None
    window: TimelineWindow | None = None

    def update(self, report: Any) -> None:
        """Fold one of pytest's ``TestReport``s (setup, call or teardown) in."""
        self.duration += float(getattr(report, "duration", 0.0) or 0.0)
        when = report.when
        if hasattr(report, "wasxfail"):
            self.outcome = "xfailed" if report.skipped else "xpassed"
            self.message = str(report.wasxfail)
        elif report.failed:
            if when == "call":
                self.outcome = "failed"
            elif self.outcome != "failed":
                self.outcome = "error"
            text = str(getattr(report, "longreprtext", "") or "")
            self.message = (self.message + "\n\n" + text).strip()[:MAX_MESSAGE]
        elif report.skipped:
            self.outcome = "skipped"
            self.message = skip_reason(report)

    def record(self, timeline: Timeline, report_dir: Path | None) -> TestRecord:
        if self.since is None:
            return TestRecord(self.nodeid, self.outcome, self.duration, message=self.message)
        window = self.window or timeline.window(self.since, self.until)
        initial, entries = window_record(window)
        return TestRecord(
            nodeid=self.nodeid,
            outcome=self.outcome,
            duration=self.duration,
            since=self.since,
            until=self.until,
            initial=initial,
            entries=entries,
            latencies=self.latencies or window.latencies(),
            log=self.log,
            log_file=_relative(self.log_file, report_dir),
            message=self.message,
        )


def skip_reason(report: Any) -> str:
    """The reason of a skipped report, without pytest's ``Skipped:`` prefix."""
    longrepr = report.longrepr
    reason = str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
    return reason.removeprefix("Skipped: ")


def _relative(path: str | None, base: Path | None) -> str | None:
    if path is None or base is None:
        return path
    with contextlib.suppress(ValueError):
        return str(Path(path).resolve().relative_to(base.resolve()))
    return path


def describe_run_rig(rig: Rig) -> RunRecord:
    """A run record naming ``rig`` and its devices (firmware comes once they answer)."""
    return RunRecord(
        rig_name=rig.name,
        rig_kind=rig.kind.value,
        rig_source=rig.source,
        rig_description=rig.description,
        devices=[DeviceRecord(name, device.model) for name, device in rig.devices.items()],
    )


def line_records(bench: Bench) -> list[LineRecord]:
    """The bench's Pi lines, outputs first, by the names the timeline records them under."""
    found: dict[str, LineRecord] = {}
    for line in bench.outputs.values():
        found.setdefault(line.name, LineRecord(line.name, line.bcm, True))
    for reader in bench.inputs.values():
        found.setdefault(reader.name, LineRecord(reader.name, reader.bcm, False))
    return list(found.values())


def probe_devices(bench: Bench) -> list[DeviceRecord]:
    """Each rig device with its firmware and serial number when it answers."""
    found = []
    for name, device in bench.rig.devices.items():
        firmware = serial = None
        try:
            properties = bench.device(name).params.properties()
            firmware, serial = properties.firmware_version, properties.serial_number
        except Exception as error:
            logger.info("device %s did not tell its firmware: %s", name, error)
        found.append(DeviceRecord(name, device.model, firmware, serial))
    return found


def safe_report(bench: Bench, *, timeout: float) -> str:
    """Each output's state after the rig was made safe; on the virtual rig also the far
    end: the simulated input port each wire drives, once it has followed (asynchronously)."""
    parts = []
    lines = {line.name: line for line in bench.outputs.values()}  # a relay's wire: one line
    for name, line in sorted(lines.items()):
        state = "active" if line.is_active else "inactive"
        parts.append(f"{name} {state} (BCM {line.bcm} {line.level.value})")
    deadline = time.monotonic() + timeout
    for wire in bench.rig.wires.values():
        simulated = bench.simulated(wire.device) if wire.pi_drives else None
        if simulated is None:
            continue
        try:
            wanted = bench.output(wire.name).safe_active
            while simulated.io.is_active(wire.port) != wanted and time.monotonic() < deadline:
                time.sleep(0.01)
            state = "active" if simulated.io.is_active(wire.port) else "inactive"
        except Exception as error:
            state = f"unknown ({error})"
        parts.append(f"device side {wire.device} port {wire.port} ({wire.name}) {state}")
    return "; ".join(parts) if parts else "the rig has no outputs"
