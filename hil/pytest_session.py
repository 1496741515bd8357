"""The plugin's state for one pytest session with a rig: the bench, each test's window, the run.

:class:`HilSession` is created at configure time when a rig was given (``--rig``,
``AXISCTL_HIL_RIG`` or the ``hil_rig`` ini option) and kept in ``config.stash``. It opens
the bench lazily, the first time a test needs it, so a session whose tests never touch the
rig starts nothing; it remembers a bench that failed to start (labgrid's sticky failure),
so one broken rig is one error and not two hundred timeouts.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from axisctl.hil.pytest_logs import log_file_name, log_text, wall_clock, write_text
from axisctl.hil.pytest_record import OpenTest, describe_run_rig, line_records, probe_devices
from axisctl.hil.pytest_safety import SafetyNet
from axisctl.hil.report import write_report
from axisctl.hil.report_data import TestRecord
from axisctl.hil.rig_model import Rig
from axisctl.hil.timeline import Timeline, TimelineWindow

if TYPE_CHECKING:
    from axisctl.hil.bench import Bench

__all__ = ["BenchUnavailable", "HilSession"]

logger = logging.getLogger(__name__)

#: How long the plugin waits for the simulated ports to follow the made-safe Pi lines.
DEVICE_SIDE_TIMEOUT = 2.0

PropertyRecorder = Callable[[str, object], None]


class BenchUnavailable(RuntimeError):
    """The bench failed to start earlier in this session; the first error says why."""


class HilSession:
    """The rig, its bench once started, the open test, and the run record."""

    def __init__(
        self,
        rig: Rig,
        *,
        log_dir: Path | None,
        report_dir: Path | None,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        self.rig = rig
        self._announce = announce or _to_stderr
        self.log_dir = log_dir
        self.report_dir = report_dir
        self.timeline = Timeline()
        self.run = describe_run_rig(rig)
        self.run.started_at = self.timeline.started_at.isoformat()
        self._started = time.monotonic()
        self._bench: Bench | None = None
        self._bench_error: str | None = None
        self._lock = threading.RLock()
        self._closed = False
        self._open: dict[str, OpenTest] = {}
        self._record_property: PropertyRecorder | None = None
        self.safety = SafetyNet(self.make_safe)
        self.report_path: Path | None = None

    # --- the bench ---------------------------------------------------------------------

    @property
    def bench_started(self) -> bool:
        return self._bench is not None

    def bench(self) -> Bench:
        """The started bench; opened on first use. Raises again if it failed before."""
        with self._lock:
            if self._bench is not None:
                return self._bench
            if self._bench_error is not None:
                raise BenchUnavailable(
                    f"the bench for rig {self.rig.name!r} did not start: {self._bench_error}"
                )
            if self._closed:
                raise BenchUnavailable("the HIL session is over")
            from axisctl.hil.bench import open_bench

            self.safety.install()
            try:
                bench = open_bench(self.rig, timeline=self.timeline)
            except BaseException as error:
                self._bench_error = f"{type(error).__name__}: {error}"
                self.safety.uninstall()
                raise
            self._bench = bench
            self.run.lines = line_records(bench)
            self.run.devices = probe_devices(bench)
            self._record_device_properties()
            return bench

    def set_property_recorder(self, record: PropertyRecorder) -> None:
        """Record rig metadata as JUnit testsuite properties through ``record``."""
        self._record_property = record
        record("hil.rig", self.rig.name)
        record("hil.rig.kind", self.rig.kind.value)
        record("hil.rig.source", self.rig.source)
        for name, device in self.rig.devices.items():
            record(f"hil.device.{name}.model", device.model)
        self._record_device_properties()

    def _record_device_properties(self) -> None:
        record = self._record_property
        if record is None or self._bench is None:
            return
        for device in self.run.devices:
            if device.firmware:
                record(f"hil.device.{device.name}.firmware", device.firmware)
            if device.serial:
                record(f"hil.device.{device.name}.serial", device.serial)

    # --- tests -------------------------------------------------------------------------

    def test(self, nodeid: str) -> OpenTest:
        """The record of ``nodeid`` being run (created on first mention)."""
        with self._lock:
            found = self._open.get(nodeid)
            if found is None:
                found = self._open[nodeid] = OpenTest(nodeid)
            return found

    def begin(self, nodeid: str) -> TimelineWindow:
        """Reset the bench and open the test's timeline window."""
        bench = self.bench()
        bench.reset()
        test = self.test(nodeid)
        test.since = self.timeline.record("action", "harness", "test starts", test=nodeid)
        return self.window(nodeid)

    def window(self, nodeid: str) -> TimelineWindow:
        test = self.test(nodeid)
        since = test.since if test.since is not None else self.timeline.now()
        return self.timeline.window(since, test.until)

    def end(self, nodeid: str, *, note: str | None = None) -> OpenTest | None:
        """Make the rig safe, close the test's window, write its log; once per test."""
        test = self._open.get(nodeid)
        if test is None or test.since is None or test.until is not None:
            return test
        if self._bench is not None:
            self._bench.make_safe()
        test.until = self.timeline.now()
        window = self.timeline.window(test.since, test.until)
        test.latencies = window.latencies()
        test.log = log_text(
            nodeid=nodeid,
            rig=f"{self.rig.name} ({self.rig.kind.value}), {self.rig.source}",
            started_at=self.timeline.started_at,
            since=test.since,
            until=test.until,
            entries=window.entries(),
            latencies=test.latencies,
            notes=[note] if note else [],
        )
        test.window = window
        if self.log_dir is not None:
            path = self.log_dir / log_file_name(nodeid)
            try:
                write_text(path, test.log)
                test.log_file = str(path)
            except OSError as error:
                logger.warning("cannot write the log of %s: %s", nodeid, error)
        return test

    def window_text(self, nodeid: str) -> str:
        """The test's timeline so far, for a report section."""
        test = self._open.get(nodeid)
        if test is None or test.since is None:
            return ""
        if test.log:
            return test.log
        return self.timeline.window(test.since).log_text()

    def finish_test(self, nodeid: str) -> TestRecord | None:
        """Move ``nodeid`` from the open tests into the run record."""
        with self._lock:
            test = self._open.pop(nodeid, None)
        if test is None:
            return None
        record = test.record(self.timeline, self.report_dir)
        self.run.tests.append(record)
        return record

    # --- safety and the end ------------------------------------------------------------

    def make_safe(self, reason: str) -> None:
        """Every output to its safe state, written down in ``safety.log`` (and on stderr
        when the run is being stopped)."""
        bench = self._bench
        if bench is None:
            return
        bench.make_safe()
        from axisctl.hil.pytest_record import safe_report

        try:
            report = safe_report(bench, timeout=DEVICE_SIDE_TIMEOUT)
        except Exception as error:
            # The outputs are safe already; only the account of it failed.
            logger.exception("cannot report the safe state")
            report = f"outputs made safe; their report failed: {type(error).__name__}"
        stamp = wall_clock(self.timeline.started_at, self.timeline.now())
        line = f"{stamp} made safe ({reason}): {report}\n"
        if self.log_dir is not None:
            try:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                with (self.log_dir / "safety.log").open("a", encoding="utf-8") as log:
                    log.write(line)
            except OSError as error:
                logger.warning("cannot write safety.log: %s", error)
        if reason not in ("session end", "session fixtures torn down"):
            self._announce(f"\naxisctl hil: {line}")
        if reason == "SIGTERM":
            self._flush_open(reason)

    def finish(self, exit_status: int, *, interrupted: bool = False) -> None:
        """End of session: open tests recorded, rig made safe, bench closed, report."""
        self._flush_open("KeyboardInterrupt" if interrupted else None)
        try:
            self.close(reason="interrupted (Ctrl-C)" if interrupted else "session end")
        finally:
            self.run.exit_status = exit_status
            self._write_report()

    def _flush_open(self, interrupted_by: str | None) -> None:
        """Record every test still open; one cut short by ``interrupted_by`` says so."""
        for nodeid in list(self._open):
            test = self._open[nodeid]
            if test.since is not None and test.until is None and interrupted_by:
                self.end(nodeid, note=f"interrupted by {interrupted_by}")
                test.outcome = "interrupted"
                test.message = test.message or f"interrupted by {interrupted_by}"
            self.finish_test(nodeid)
        if interrupted_by == "SIGTERM":
            self.run.exit_status = -15
            self._write_report()

    def close(self, *, reason: str = "session end") -> None:
        """Make safe and close the bench; idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            if self._bench is not None:
                try:
                    self.make_safe(reason)
                finally:
                    # Whatever making safe raised, the simulators, ptys and threads go.
                    self._bench.close()
        finally:
            self.safety.uninstall()

    def _write_report(self) -> None:
        self.run.finished_at = dt.datetime.now(dt.timezone.utc).isoformat()
        self.run.duration = time.monotonic() - self._started
        if self.report_dir is None:
            return
        try:
            self.report_path = write_report(self.run, self.report_dir)
        except OSError as error:
            logger.warning("cannot write the HIL report to %s: %s", self.report_dir, error)


def _to_stderr(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()
