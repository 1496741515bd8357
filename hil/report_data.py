"""The run record of a HIL session (``run.json``): what the plugin writes and the report reads.

The pytest plugin fills a :class:`RunRecord` while tests run and writes it as JSON next to
the HTML report; :func:`read_run` reads it back, so a report can be rendered again later,
or elsewhere, from the JSON alone::

    run = read_run("hil-report/run.json")
    html = render_html(run)            # axisctl.hil.report

The format is versioned (``format``/``version``); readers accept what they understand and
fill in defaults for missing fields, so a truncated or hand-edited file still renders.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axisctl.hil.timeline import Latency, TimelineEntry, TimelineWindow

__all__ = [
    "OUTCOMES",
    "RUN_FORMAT",
    "RUN_FORMAT_VERSION",
    "DeviceRecord",
    "LineRecord",
    "RunRecord",
    "TestRecord",
    "read_run",
    "window_record",
]

RUN_FORMAT = "axisctl-hil-run"
RUN_FORMAT_VERSION = 1
#: Test outcomes as the report counts them.
OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed", "interrupted")


@dataclass(frozen=True)
class DeviceRecord:
    """A rig device as the run saw it; firmware and serial when the device answered."""

    name: str
    model: str
    firmware: str | None = None
    serial: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "model": self.model,
            "firmware": self.firmware,
            "serial": self.serial,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeviceRecord:
        return cls(
            name=_text(data.get("name")),
            model=_text(data.get("model")),
            firmware=_optional_text(data.get("firmware")),
            serial=_optional_text(data.get("serial")),
        )


@dataclass(frozen=True)
class LineRecord:
    """A Pi line of the rig: its name (wire, sensor, relay channel), BCM number, direction."""

    name: str
    bcm: int
    output: bool

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "bcm": self.bcm, "output": self.output}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LineRecord:
        return cls(_text(data.get("name")), _integer(data.get("bcm")), bool(data.get("output")))


@dataclass(frozen=True)
class TestRecord:
    """One test of the run: its outcome and, when it used the bench, its timeline window.

    ``initial`` maps each GPIO line seen before the window to whether it was active when
    the window opened, so that the plot's square waves start at the right level.
    """

    __test__ = False  # not a test class, whatever pytest thinks of the name

    nodeid: str
    outcome: str
    duration: float = 0.0
    since: float | None = None
    until: float | None = None
    initial: Mapping[str, bool] = field(default_factory=dict)
    entries: Sequence[TimelineEntry] = ()
    latencies: Sequence[Latency] = ()
    log: str = ""
    log_file: str | None = None
    message: str = ""

    @property
    def used_bench(self) -> bool:
        return self.since is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "outcome": self.outcome,
            "duration": round(self.duration, 6),
            "since": None if self.since is None else round(self.since, 6),
            "until": None if self.until is None else round(self.until, 6),
            "initial": dict(self.initial),
            "entries": [entry.to_json() for entry in self.entries],
            "latencies": [measured.to_json() for measured in self.latencies],
            "log": self.log,
            "log_file": self.log_file,
            "message": self.message,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TestRecord:
        initial = data.get("initial")
        return cls(
            nodeid=_text(data.get("nodeid")),
            outcome=_text(data.get("outcome")) or "error",
            duration=_number(data.get("duration")),
            since=_optional_number(data.get("since")),
            until=_optional_number(data.get("until")),
            initial=(
                {str(k): bool(v) for k, v in initial.items()} if isinstance(initial, dict) else {}
            ),
            entries=tuple(_entry(item) for item in _items(data.get("entries"))),
            latencies=tuple(_latency(item) for item in _items(data.get("latencies"))),
            log=_text(data.get("log")),
            log_file=_optional_text(data.get("log_file")),
            message=_text(data.get("message")),
        )


@dataclass
class RunRecord:
    """A whole run: the rig, when it ran, how it ended, and every test in order."""

    rig_name: str = ""
    rig_kind: str = ""
    rig_source: str = ""
    rig_description: str = ""
    devices: list[DeviceRecord] = field(default_factory=list)
    lines: list[LineRecord] = field(default_factory=list)
    started_at: str = ""
    finished_at: str = ""
    duration: float = 0.0
    exit_status: int | None = None
    tests: list[TestRecord] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many tests ended each way, every outcome of :data:`OUTCOMES` present."""
        found = Counter(test.outcome for test in self.tests)
        return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}

    def to_json(self) -> dict[str, Any]:
        return {
            "format": RUN_FORMAT,
            "version": RUN_FORMAT_VERSION,
            "rig": {
                "name": self.rig_name,
                "kind": self.rig_kind,
                "source": self.rig_source,
                "description": self.rig_description,
                "devices": [device.to_json() for device in self.devices],
                "lines": [line.to_json() for line in self.lines],
            },
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration": round(self.duration, 6),
            "exit_status": self.exit_status,
            "counts": self.counts(),
            "tests": [test.to_json() for test in self.tests],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunRecord:
        if data.get("format", RUN_FORMAT) != RUN_FORMAT:
            raise ValueError(f"not a HIL run record (format {data.get('format')!r})")
        version = data.get("version", RUN_FORMAT_VERSION)
        if not isinstance(version, int) or version > RUN_FORMAT_VERSION:
            raise ValueError(
                f"run record version {version!r} is newer than this axisctl reads "
                f"({RUN_FORMAT_VERSION}); upgrade axisctl"
            )
        rig = data.get("rig") if isinstance(data.get("rig"), dict) else {}
        assert isinstance(rig, dict)
        exit_status = data.get("exit_status")
        return cls(
            rig_name=_text(rig.get("name")),
            rig_kind=_text(rig.get("kind")),
            rig_source=_text(rig.get("source")),
            rig_description=_text(rig.get("description")),
            devices=[DeviceRecord.from_json(item) for item in _items(rig.get("devices"))],
            lines=[LineRecord.from_json(item) for item in _items(rig.get("lines"))],
            started_at=_text(data.get("started_at")),
            finished_at=_text(data.get("finished_at")),
            duration=_number(data.get("duration")),
            exit_status=exit_status if isinstance(exit_status, int) else None,
            tests=[TestRecord.from_json(item) for item in _items(data.get("tests"))],
        )

    def write(self, path: Path) -> None:
        """Write the record as JSON, atomically (a reader never sees half a file)."""
        partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")
        partial.replace(path)


def read_run(path: str | os.PathLike[str]) -> RunRecord:
    """Read a ``run.json``; a directory means the ``run.json`` inside it."""
    target = Path(path)
    if target.is_dir():
        target = target / "run.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{target}: not a HIL run record (expected a JSON object)")
    return RunRecord.from_json(data)


def window_record(window: TimelineWindow) -> tuple[dict[str, bool], list[TimelineEntry]]:
    """The GPIO levels when ``window`` opened, and its entries, from the whole timeline."""
    initial: dict[str, bool] = {}
    for entry in window.timeline.entries(kind="gpio"):
        if entry.time >= window.since:
            break
        initial[entry.source] = entry.detail == "active"
    return initial, window.entries()


def _items(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _entry(data: Mapping[str, Any]) -> TimelineEntry:
    extra = data.get("data")
    return TimelineEntry(
        time=_number(data.get("time")),
        kind=_text(data.get("kind")),
        source=_text(data.get("source")),
        detail=_text(data.get("detail")),
        data={str(k): str(v) for k, v in extra.items()} if isinstance(extra, dict) else {},
    )


def _latency(data: Mapping[str, Any]) -> Latency:
    start = _number(data.get("start"))
    end = _number(data.get("end"), default=start)
    return Latency(_text(data.get("name")), start, end)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


def _number(value: object, *, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return float(value) if math.isfinite(value) else default


def _optional_number(value: object) -> float | None:
    return None if value is None else _number(value)


def _integer(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1
