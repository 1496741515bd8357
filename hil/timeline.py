"""The timeline of a HIL run: GPIO edges, device events, OSDP frames, actions and latencies.

Everything the harness sees or does is recorded here with one clock, so that a test's log,
the HTML report's plot and the demo's live view tell the same story::

    timeline = Timeline()
    t0 = timeline.record("action", "gate-loop", "activate")
    ...
    t1 = timeline.record("gpio", "barrier", "active", level="low")
    timeline.latency("loop to barrier", t0, t1)

Times are seconds since the timeline started, from :func:`time.monotonic` (never the wall
clock, which can jump). Recording is thread-safe: gpiozero callbacks, event-stream threads
and the OSDP reader's thread all record concurrently. Subscribers (the live view) are called
after the lock is released, on the recording thread, and must be quick.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ENTRY_KINDS", "Latency", "Timeline", "TimelineEntry"]

#: What an entry can be about. ``gpio``: an edge on a Pi line (``detail`` "active" or
#: "inactive"); ``event``: a device event (``detail`` its topic); ``osdp``: a frame on the
#: OSDP bus (``detail`` the command or reply); ``wiegand``: a frame sent on D0/D1;
#: ``action``: something the test or harness did; ``note``: anything else worth a line.
ENTRY_KINDS = ("gpio", "event", "osdp", "wiegand", "action", "note")


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened: at ``time`` s, ``source`` (a wire, device or reader name)."""

    time: float
    kind: str
    source: str
    detail: str
    data: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "time": round(self.time, 6),
            "kind": self.kind,
            "source": self.source,
            "detail": self.detail,
            "data": dict(self.data),
        }

    def line(self) -> str:
        """The entry as one log line: ``  12.345678 gpio    barrier: active (level=low)``."""
        extra = ", ".join(f"{key}={value}" for key, value in self.data.items())
        suffix = f" ({extra})" if extra else ""
        return f"{self.time:11.6f} {self.kind:<7} {self.source}: {self.detail}{suffix}"


@dataclass(frozen=True)
class Latency:
    """A measured delay between two timeline times, named for what it spans."""

    name: str
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "start": round(self.start, 6),
            "end": round(self.end, 6),
            "seconds": round(self.seconds, 6),
        }


Subscriber = Callable[[TimelineEntry], None]


class Timeline:
    """A thread-safe, append-only record of a run; see the module docstring."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._origin = clock()
        self.started_at = dt.datetime.now(dt.timezone.utc)
        # Re-entrant: a signal handler making the rig safe may record while the interrupted
        # main thread is inside record().
        self._lock = threading.RLock()
        self._entries: list[TimelineEntry] = []
        self._latencies: list[Latency] = []
        self._subscribers: dict[int, Subscriber] = {}
        self._next_token = 0

    def now(self) -> float:
        """Seconds since the timeline started."""
        return self._clock() - self._origin

    def at(self, monotonic: float) -> float:
        """A :func:`time.monotonic` reading (an edge's timestamp) as timeline time."""
        return monotonic - self._origin

    def record(
        self,
        kind: str,
        source: str,
        detail: str,
        *,
        when: float | None = None,
        **data: object,
    ) -> float:
        """Add an entry (now, or at timeline time ``when``) and return its time."""
        if kind not in ENTRY_KINDS:
            raise ValueError(f"timeline entry kind must be one of {ENTRY_KINDS}, got {kind!r}")
        entry = TimelineEntry(
            self.now() if when is None else when,
            kind,
            source,
            detail,
            {key: str(value) for key, value in data.items()},
        )
        with self._lock:
            self._entries.append(entry)
            subscribers = list(self._subscribers.values())
        for subscriber in subscribers:
            subscriber(entry)
        return entry.time

    def latency(self, name: str, start: float, end: float) -> Latency:
        """Record the delay from ``start`` to ``end`` (timeline times) as ``name``."""
        if end < start:
            raise ValueError(f"latency {name!r} ends ({end:.6f}) before it starts ({start:.6f})")
        measured = Latency(name, start, end)
        with self._lock:
            self._latencies.append(measured)
        return measured

    def entries(self, since: float = 0.0, kind: str | None = None) -> list[TimelineEntry]:
        """Entries at or after ``since``, in time order, optionally of one ``kind``."""
        with self._lock:
            found = [e for e in self._entries if e.time >= since and kind in (None, e.kind)]
        return sorted(found, key=lambda entry: entry.time)

    def latencies(self, since: float = 0.0) -> list[Latency]:
        with self._lock:
            return [latency for latency in self._latencies if latency.start >= since]

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` with every new entry; call the returned function to stop."""
        with self._lock:
            token = self._next_token
            self._next_token += 1
            self._subscribers[token] = subscriber

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers.pop(token, None)

        return unsubscribe

    def window(self, since: float, until: float | None = None) -> TimelineWindow:
        """The part of the run between two timeline times (one test's share of it)."""
        return TimelineWindow(self, since, until)


@dataclass(frozen=True)
class TimelineWindow:
    """A time slice of a :class:`Timeline`: what one test saw, for its log and its report."""

    timeline: Timeline
    since: float
    until: float | None = None

    def entries(self) -> list[TimelineEntry]:
        return [e for e in self.timeline.entries(self.since) if self._inside(e.time)]

    def latencies(self) -> list[Latency]:
        return [m for m in self.timeline.latencies(self.since) if self._inside(m.start)]

    def _inside(self, when: float) -> bool:
        return self.until is None or when <= self.until

    def __iter__(self) -> Iterator[TimelineEntry]:
        return iter(self.entries())

    def log_text(self) -> str:
        """The window as a plain-text log, one entry per line, then the latencies."""
        lines = [entry.line() for entry in self.entries()]
        for measured in self.latencies():
            lines.append(f"latency {measured.name}: {measured.seconds * 1000:.1f} ms")
        return "\n".join(lines) + ("\n" if lines else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "since": round(self.since, 6),
            "until": None if self.until is None else round(self.until, 6),
            "entries": [entry.to_json() for entry in self.entries()],
            "latencies": [measured.to_json() for measured in self.latencies()],
        }

    def write(self, path: Path) -> None:
        """Write the log (``.log``) or its JSON form (``.json``), atomically."""
        text = (
            json.dumps(self.to_json(), indent=1) + "\n"
            if path.suffix == ".json"
            else self.log_text()
        )
        partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
