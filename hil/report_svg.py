"""The timeline plot of one test as inline SVG: square waves, markers, flags, latency brackets.

One lane per GPIO line (a square wave drawn from its edges, high while the line is active),
one lane per device's events and per OSDP reader or Wiegand link (labelled markers), one
lane of actions (flags, with a dashed guide down through every lane), and under them the
measured latencies as brackets from their start to their end. Every text is escaped and
stripped of characters XML forbids, so the SVG is well-formed whatever the events carried.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from axisctl.hil.report_data import LineRecord, TestRecord
from axisctl.hil.report_lanes import Lane, lanes_for, square_wave, time_span
from axisctl.hil.report_text import attr, text
from axisctl.hil.timeline import Latency, TimelineEntry

__all__ = ["LABEL_WIDTH", "PLOT_WIDTH", "timeline_svg"]

LABEL_WIDTH = 200
PLOT_WIDTH = 760
RIGHT_MARGIN = 24
LANE_HEIGHT = 34
TOP_MARGIN = 8
AXIS_HEIGHT = 28
BRACKET_HEIGHT = 24
CHAR_WIDTH = 6.4  # average advance of the 11 px sans-serif labels
#: A wave's tooltip lists its first edges, not thousands of a flashing light's.
MAX_TITLED_EDGES = 24


class _Scale:
    def __init__(self, start: float, end: float) -> None:
        self.start = start
        self.end = end

    def x(self, when: float) -> float:
        fraction = (when - self.start) / (self.end - self.start)
        return LABEL_WIDTH + min(max(fraction, 0.0), 1.0) * PLOT_WIDTH


def timeline_svg(test: TestRecord, lines: Sequence[LineRecord] = ()) -> str:
    """The plot of ``test``'s window, or ``""`` when it recorded nothing to plot."""
    lanes = lanes_for(test, lines)
    if not lanes and not test.latencies:
        return ""
    start, end = time_span(test)
    scale = _Scale(start, end)
    lanes_bottom = TOP_MARGIN + LANE_HEIGHT * len(lanes)
    brackets_top = lanes_bottom + AXIS_HEIGHT
    height = brackets_top + BRACKET_HEIGHT * len(test.latencies) + 8
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{attr("timeline of " + test.nodeid)}">'
    ]
    for index, lane in enumerate(lanes):
        top = TOP_MARGIN + LANE_HEIGHT * index
        parts.append(_lane(lane, top, scale, test, lanes_bottom))
    parts.append(_axis(scale, lanes_bottom))
    for index, measured in enumerate(test.latencies):
        parts.append(_bracket(measured, brackets_top + BRACKET_HEIGHT * index, scale))
    parts.append("</svg>")
    return "\n".join(parts)


def _lane(lane: Lane, top: float, scale: _Scale, test: TestRecord, bottom: float) -> str:
    parts = [
        f'<g class="lane lane-{attr(lane.kind)}" data-source="{attr(lane.source)}">',
        f'<rect class="lane-bg" x="0" y="{top}" width="{LABEL_WIDTH + PLOT_WIDTH}" '
        f'height="{LANE_HEIGHT}"/>',
        f'<text class="lane-label" x="6" y="{top + LANE_HEIGHT / 2 + 4:.1f}">'
        f"{_title_if_cut(lane.label, 30)}{text(_shorten(lane.label, 30))}</text>",
    ]
    if lane.kind == "gpio":
        parts.append(_wave(lane, top, scale, test))
    elif lane.kind == "action":
        parts.append(_flags(lane, top, scale, bottom))
    else:
        parts.append(_marks(lane, top, scale))
    parts.append("</g>")
    return "\n".join(parts)


def _wave(lane: Lane, top: float, scale: _Scale, test: TestRecord) -> str:
    high, low = top + 7, top + LANE_HEIGHT - 7
    edges = [(entry.time, entry.detail == "active") for entry in lane.entries]
    points = square_wave(test.initial.get(lane.source, False), edges, scale.start, scale.end)
    path = [f"M{scale.x(points[0][0]):.2f},{high if points[0][1] else low}"]
    shades = []
    for (when, active), following in zip(points, [*points[1:], (scale.end, False)], strict=True):
        if len(path) > 1 or when > scale.start:
            path.append(f"H{scale.x(when):.2f}V{high if active else low}")
        if active:
            x0, x1 = scale.x(when), scale.x(following[0])
            shades.append(
                f'<rect class="on" x="{x0:.2f}" y="{high}" width="{max(x1 - x0, 0.5):.2f}" '
                f'height="{low - high}"/>'
            )
    path.append(f"H{scale.x(scale.end):.2f}")
    changes = ", ".join(
        f"{_when(when, scale.start)} {'active' if active else 'inactive'}"
        for when, active in points[1:MAX_TITLED_EDGES]
    )
    titles = f"<title>{text(lane.source)}: {text(changes)}</title>" if changes else ""
    return "".join(shades) + (
        f'<path class="wave" d="{"".join(path)}" '
        f'data-levels="{attr(" ".join(f"{w:.6f}:{int(a)}" for w, a in points))}">'
        f"{titles}</path>"
    )


def _marks(lane: Lane, top: float, scale: _Scale) -> str:
    rows = [-math.inf, -math.inf]  # where each label row is free again, left to right
    parts = []
    middle = top + LANE_HEIGHT / 2
    for entry in lane.entries:
        x = scale.x(entry.time)
        parts.append(
            f'<g class="mark mark-{attr(entry.kind)}"><title>{text(_describe(entry, scale))}'
            f'</title><path class="marker" d="M{x:.2f},{middle - 4:.1f}l4,4l-4,4l-4,-4z"/>'
        )
        label = _shorten(_mark_label(entry), 26)
        left, right, svg = _label(x, label, "mark-label", gap=5)
        for row, free_from in enumerate(rows):
            if left >= free_from:
                y = top + 10 if row == 0 else top + LANE_HEIGHT - 1
                parts.append(svg.format(y=y))
                rows[row] = right + 4
                break
        parts.append("</g>")
    return "".join(parts)


def _flags(lane: Lane, top: float, scale: _Scale, bottom: float) -> str:
    parts = []
    free_from = -math.inf
    for entry in lane.entries:
        x = scale.x(entry.time)
        parts.append(
            f'<g class="flag"><title>{text(_describe(entry, scale))}</title>'
            f'<line class="guide" x1="{x:.2f}" y1="{TOP_MARGIN}" x2="{x:.2f}" y2="{bottom}"/>'
            f'<path class="flag-shape" '
            f'd="M{x:.2f},{top + LANE_HEIGHT - 4}V{top + 6}h9l-3,4l3,4h-9"/>'
        )
        label = _shorten(f"{entry.source}: {entry.detail}" if entry.source else entry.detail, 32)
        left, right, svg = _label(x, label, "flag-label", gap=11)
        if left >= free_from:
            parts.append(svg.format(y=top + 16))
            free_from = right + 6
        parts.append("</g>")
    return "".join(parts)


def _label(x: float, label: str, css: str, *, gap: float) -> tuple[float, float, str]:
    """A label right of ``x``, or left of it where it would run off the plot: its left and
    right edges, and its SVG with ``{y}`` to fill in."""
    width = len(label) * CHAR_WIDTH
    if x + gap + width <= LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN:
        left, right, at, anchor = x + gap, x + gap + width, x + gap, "start"
    else:
        left, right, at, anchor = x - gap - width, x - 2, x - gap, "end"
    svg = (
        f'<text class="{css}" x="{at:.2f}" y="{{y}}" text-anchor="{anchor}">'
        + text(label).replace("{", "{{").replace("}", "}}")
        + "</text>"
    )
    return left, right, svg


def _axis(scale: _Scale, top: float) -> str:
    span = scale.end - scale.start
    step = _tick_step(span)
    parts = [
        f'<g class="axis"><line x1="{LABEL_WIDTH}" y1="{top}" x2="{LABEL_WIDTH + PLOT_WIDTH}" '
        f'y2="{top}"/>'
    ]
    for index in range(math.floor(span / step * (1 + 1e-9)) + 1):
        tick = index * step
        x = scale.x(scale.start + tick)
        parts.append(
            f'<line x1="{x:.2f}" y1="{top}" x2="{x:.2f}" y2="{top + 4}"/>'
            f'<text x="{x:.2f}" y="{top + 16}" text-anchor="middle">{_offset(tick, step)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _bracket(measured: Latency, top: float, scale: _Scale) -> str:
    x0, x1 = scale.x(measured.start), scale.x(measured.end)
    y = top + 6
    label = f"{measured.name}: {_milliseconds(measured.seconds)}"
    if x1 + 6 + len(label) * CHAR_WIDTH <= LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN:
        label_x, anchor = x1 + 6, "start"
    else:
        label_x, anchor = x0 - 6, "end"
    return (
        f'<g class="latency"><title>{text(label)}</title>'
        f'<line class="reach" x1="{x0:.2f}" y1="{TOP_MARGIN}" x2="{x0:.2f}" y2="{y}"/>'
        f'<line class="reach" x1="{x1:.2f}" y1="{TOP_MARGIN}" x2="{x1:.2f}" y2="{y}"/>'
        f'<path class="bracket" d="M{x0:.2f},{y - 5}V{y}H{x1:.2f}V{y - 5}"/>'
        f'<text class="latency-label" x="{label_x:.2f}" y="{y + 4}" '
        f'text-anchor="{anchor}">{text(label)}</text></g>'
    )


def _tick_step(span: float) -> float:
    raw = span / 8
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return float(factor * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


def _offset(seconds: float, step: float) -> str:
    if step < 0.1:
        return f"+{seconds * 1000:.0f} ms" if step >= 0.001 else f"+{seconds * 1000:.2f} ms"
    return f"+{seconds:.1f} s" if step < 1 else f"+{seconds:.0f} s"


def _milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _when(time: float, start: float) -> str:
    return f"+{(time - start) * 1000:.1f} ms"


def _describe(entry: TimelineEntry, scale: _Scale) -> str:
    extra = ", ".join(f"{key}={value}" for key, value in entry.data.items())
    head = f"{_when(entry.time, scale.start)} {entry.kind} {entry.source}: {entry.detail}"
    return f"{head} ({extra})" if extra else head


def _mark_label(entry: TimelineEntry) -> str:
    """An event's topic by its last two parts (``IOPort/State``); others as recorded."""
    if entry.kind == "event":
        parts = [part.split(":")[-1] for part in entry.detail.split("/") if part]
        return "/".join(parts[-2:]) or entry.detail
    return entry.detail


def _title_if_cut(value: str, limit: int) -> str:
    return f"<title>{text(value)}</title>" if len(value) > limit else ""


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
