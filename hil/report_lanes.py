"""The lanes of a test's timeline plot: which rows it has, and each GPIO line's square wave.

Kept apart from the drawing (:mod:`axisctl.hil.report_svg`): this is what the plot says,
that is how it looks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from axisctl.hil.report_data import LineRecord, TestRecord
from axisctl.hil.timeline import TimelineEntry

__all__ = ["MARK_KINDS", "Lane", "lanes_for", "square_wave", "time_span"]

#: Entry kinds drawn as labelled markers, one lane per source.
MARK_KINDS = ("event", "osdp", "wiegand")
#: The shortest span plotted, so a window with one instant still has a width.
MIN_SPAN = 0.001


@dataclass(frozen=True)
class Lane:
    """A row of the plot: ``kind`` is ``gpio``, one of :data:`MARK_KINDS`, or ``action``."""

    kind: str
    source: str
    label: str
    entries: tuple[TimelineEntry, ...]


def time_span(test: TestRecord) -> tuple[float, float]:
    """The plotted interval: the window, stretched to everything recorded in it."""
    start = test.since if test.since is not None else 0.0
    times = [entry.time for entry in test.entries]
    times += [measured.end for measured in test.latencies]
    end = max([start, *times] + ([test.until] if test.until is not None else []))
    return start, max(end, start + MIN_SPAN)


def square_wave(
    initial: bool, edges: Iterable[tuple[float, bool]], start: float, end: float
) -> list[tuple[float, bool]]:
    """The level changes of a line: ``(time, active)`` from ``start``, one per real change.

    Repeated edges to the level the line already has (a callback seen twice) are dropped;
    edges before ``start`` set the starting level, and those after ``end`` are ignored.
    """
    points = [(start, initial)]
    level = initial
    for when, active in sorted(edges, key=lambda edge: edge[0]):
        if when > end:
            break
        if when <= start:
            level = active
            points[0] = (start, active)
            continue
        if active != level:
            points.append((when, active))
            level = active
    return points


def lanes_for(test: TestRecord, lines: Sequence[LineRecord] = ()) -> list[Lane]:
    """The plot's lanes: GPIO lines (rig order, outputs first), then markers, then actions.

    A line gets a lane when it changed in the window or was active when it opened.
    """
    by_source: dict[tuple[str, str], list[TimelineEntry]] = {}
    for entry in test.entries:
        kind = "action" if entry.kind == "note" else entry.kind
        key = (kind, "" if kind == "action" else entry.source)
        by_source.setdefault(key, []).append(entry)
    gpio_names = {source for kind, source in by_source if kind == "gpio"}
    gpio_names |= {name for name, active in test.initial.items() if active}
    known = {line.name: line for line in lines}
    ordered = [line.name for line in lines if line.output and line.name in gpio_names]
    ordered += [line.name for line in lines if not line.output and line.name in gpio_names]
    ordered += sorted(gpio_names - set(ordered))
    lanes = [
        Lane(
            "gpio",
            name,
            _gpio_label(name, known.get(name), by_source),
            _entries(by_source, "gpio", name),
        )
        for name in ordered
    ]
    for kind in MARK_KINDS:
        for source in sorted(source for k, source in by_source if k == kind):
            label = f"{source} ({'events' if kind == 'event' else kind})"
            lanes.append(Lane(kind, source, label, _entries(by_source, kind, source)))
    if ("action", "") in by_source:
        lanes.append(Lane("action", "", "actions", _entries(by_source, "action", "")))
    return lanes


def _entries(
    by_source: dict[tuple[str, str], list[TimelineEntry]], kind: str, source: str
) -> tuple[TimelineEntry, ...]:
    return tuple(by_source.get((kind, source), ()))


def _gpio_label(
    name: str,
    line: LineRecord | None,
    by_source: dict[tuple[str, str], list[TimelineEntry]],
) -> str:
    if line is not None:
        return f"{name} (BCM {line.bcm}, {'out' if line.output else 'in'})"
    bcm = next((e.data["bcm"] for e in by_source.get(("gpio", name), ()) if "bcm" in e.data), "")
    return f"{name} (BCM {bcm})" if bcm else name
