"""Per-test log files of the HIL plugin: names, headers and wall-clock-stamped lines.

A test's log is its timeline window, one entry a line, each stamped with the wall-clock
time (UTC, from the timeline's start) and the timeline time, then the latencies::

    # test: hil/scenarios/test_gate.py::test_known_plate_opens_barrier
    # rig: virtual (virtual), axisctl/hil/rigs/virtual.yaml
    # window: +12.345678 s .. +13.456789 s of the run
    2026-11-22T10:00:12.345678Z   12.345678 note    virtual: bench reset
    2026-11-22T10:00:12.401234Z   12.401234 action  gate-camera: show plate ABC123 (country=SE)
    latency plate -> barrier: 212.4 ms
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from axisctl.hil.timeline import Latency, TimelineEntry

__all__ = ["log_file_name", "log_text", "wall_clock"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: File names stay well under every file system's limit, however long the test id.
_MAX_STEM = 120


def log_file_name(nodeid: str) -> str:
    """A file name for ``nodeid``'s log: readable, unique, safe on every file system."""
    readable = nodeid.replace("::", "__").replace("/", ".")
    stem = _UNSAFE.sub("_", readable).strip("._") or "test"
    if stem != readable or len(stem) > _MAX_STEM:
        # Characters were replaced or cut: two ids could now meet, so the id's digest
        # keeps them apart.
        digest = hashlib.sha256(nodeid.encode("utf-8", "replace")).hexdigest()[:10]
        stem = f"{stem[: _MAX_STEM - 11]}-{digest}"
    return f"{stem}.log"


def wall_clock(started_at: dt.datetime, time: float) -> str:
    """Timeline ``time`` as an ISO 8601 UTC wall-clock time with microseconds."""
    moment = started_at + dt.timedelta(seconds=time)
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def log_text(
    *,
    nodeid: str,
    rig: str,
    started_at: dt.datetime,
    since: float,
    until: float,
    entries: Sequence[TimelineEntry],
    latencies: Sequence[Latency],
    notes: Sequence[str] = (),
) -> str:
    """The whole log of one test (see the module docstring)."""
    lines = [
        f"# test: {nodeid}",
        f"# rig: {rig}",
        f"# window: +{since:.6f} s .. +{until:.6f} s of the run "
        f"({wall_clock(started_at, since)} .. {wall_clock(started_at, until)})",
    ]
    lines += [f"# {note}" for note in notes]
    lines += [f"{wall_clock(started_at, entry.time)} {entry.line()}" for entry in entries]
    lines += [
        f"latency {measured.name}: {measured.seconds * 1000:.1f} ms "
        f"(+{measured.start:.6f} s .. +{measured.end:.6f} s)"
        for measured in latencies
    ]
    return "\n".join(lines) + "\n"


def write_text(path: Path, text: str) -> None:
    """Write ``text`` atomically, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
