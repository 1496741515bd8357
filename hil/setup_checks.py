"""What the scenarios look for: device events, a light that is steady or blinking, latencies.

- event predicates for :meth:`~axisctl.hil.event_recorder.EventRecorder.wait_for`
  (:func:`port_state`, :func:`virtual_input`, :func:`data_is`);
- :func:`record_chain`: the latencies of a chain such as input edge → device event →
  output edge, each step and end to end, into the bench's timeline;
- :func:`quiet_for` / :func:`edges_within` / :func:`settled`: whether a sensor line held
  still (a steady light, or none) or toggled (a blinking one) over a window.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence

from axisctl.events.models import Event
from axisctl.hil.lines import Edge, HilTimeout, InputLine
from axisctl.hil.timeline import Latency, Timeline

__all__ = [
    "EventCheck",
    "data_is",
    "edges_within",
    "port_state",
    "quiet_for",
    "record_chain",
    "settled",
    "virtual_input",
    "wait_for_entry",
]

EventCheck = Callable[[Event], bool]

#: The topic part that every I/O port event of an Axis device has (inputs and outputs).
IO_TOPIC = "tnsaxis:IO/"


def port_state(port: int, active: bool) -> EventCheck:
    """An I/O port event of port ``port`` (1-based; the event's source is 0-based) going
    ``active``."""
    index, state = str(port - 1), "1" if active else "0"

    def check(event: Event) -> bool:
        return event.source.get("port") == index and event.data.get("state") == state

    return check


def virtual_input(port: int, active: bool) -> EventCheck:
    """A ``VirtualInput`` event of ``port`` (1-based, as the API numbers them)."""
    state = "1" if active else "0"

    def check(event: Event) -> bool:
        return event.source.get("port") == str(port) and event.data.get("active") == state

    return check


def data_is(**wanted: str) -> EventCheck:
    """An event whose data items have these values (``data_is(active="1")``)."""

    def check(event: Event) -> bool:
        return all(event.data.get(key) == value for key, value in wanted.items())

    return check


def record_chain(timeline: Timeline, steps: Sequence[tuple[str, float]]) -> list[Latency]:
    """Record the latency of each step of a chain, then the whole chain.

    ``steps`` are ``(what, timeline time)`` in the order things are meant to happen:
    ``[("input edge", t0), ("input event", t1), ("light on", t2)]`` records
    ``input edge -> input event``, ``input event -> light on`` and ``input edge -> light on``.
    A device event is timed when the harness *received* it, which can be after the output
    edge it caused; such a step is left out (the timeline shows both), the whole chain never.
    """
    recorded: list[Latency] = []
    for (start_name, start), (end_name, end) in itertools.pairwise(steps):
        if end >= start:
            recorded.append(timeline.latency(f"{start_name} -> {end_name}", start, end))
        else:
            timeline.record(
                "note",
                "latency",
                f"{end_name} was seen {(start - end) * 1000:.1f} ms before {start_name}",
            )
    if len(steps) > 2:
        (first_name, first), (last_name, last) = steps[0], steps[-1]
        recorded.append(timeline.latency(f"{first_name} -> {last_name}", first, last))
    return recorded


def edges_within(timeline: Timeline, line: InputLine, seconds: float) -> list[Edge]:
    """Watch ``line`` for ``seconds`` from now; the edges it made meanwhile."""
    start = timeline.now()
    time.sleep(seconds)
    return line.edges(since=start)


def quiet_for(timeline: Timeline, line: InputLine, seconds: float) -> bool:
    """Whether ``line`` held its state for ``seconds`` from now (a steady light, or none)."""
    return not edges_within(timeline, line, seconds)


def settled(
    timeline: Timeline,
    line: InputLine,
    active: bool,
    *,
    window: float,
    timeout: float,
    after: float | None = None,
) -> float:
    """Wait until ``line`` is ``active`` and holds still for ``window`` seconds (a light that
    is on for good, or off for good); the timeline time of its last edge to that state after
    ``after`` (``after`` itself when it made none).

    Raises :class:`~axisctl.hil.lines.HilTimeout` when the line has not settled within
    ``timeout`` seconds plus one window.
    """
    since = timeline.now() if after is None else after
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if line.is_active == active and quiet_for(timeline, line, window):
            edges = [edge for edge in line.edges(since=since) if edge.active == active]
            return edges[-1].time if edges else since
        if left <= 0:
            state = "active" if active else "inactive"
            raise HilTimeout(
                f"input line {line.name} did not stay {state} for {window:g} s within {timeout:g} s"
            )
        if line.is_active != active:
            try:
                line.wait_for(active, timeout=max(left, 0.01))
            except HilTimeout:
                continue


def wait_for_entry(
    timeline: Timeline,
    kind: str,
    source: str,
    detail: str,
    *,
    after: float,
    timeout: float,
) -> float:
    """The time of the first timeline entry of ``kind`` from ``source`` with ``detail`` at or
    after ``after`` (an OSDP reply a reader handed over, say); :class:`HilTimeout` if none."""
    deadline = time.monotonic() + timeout
    while True:
        for entry in timeline.entries(after, kind=kind):
            if entry.source == source and entry.detail == detail:
                return entry.time
        if time.monotonic() >= deadline:
            raise HilTimeout(f"no {kind} {detail!r} from {source} within {timeout:g} s")
        time.sleep(0.01)
