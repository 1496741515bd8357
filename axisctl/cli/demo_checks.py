"""What one step of the demo's story expects, checked on the bench and kept for the summary.

A :class:`Step` is played with a deadline (bench timeline time): every wait ends by then,
so the story keeps to ``--duration`` whatever happens. Each expectation becomes a
:class:`Check`; each measured delay a timeline latency, also kept on the step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from axisctl.cli.demo_site import DEMO
from axisctl.errors import AxisError
from axisctl.hil.bench import Bench
from axisctl.hil.timeline import Latency

#: The shortest wait worth starting when the deadline is (almost) there.
_MIN_WAIT_S = 0.05
_POLL_S = 0.05


@dataclass(frozen=True)
class Check:
    """One expectation of a step: ``what`` should have happened; ``detail`` says how it went."""

    what: str
    ok: bool
    detail: str = ""


@dataclass
class StepResult:
    number: int
    title: str
    checks: list[Check] = field(default_factory=list)
    latencies: list[Latency] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


class Step:
    """The bench, the deadline and the result of the step being played."""

    def __init__(self, bench: Bench, result: StepResult, deadline: float) -> None:
        self.bench = bench
        self.result = result
        self.deadline = deadline

    def now(self) -> float:
        return self.bench.timeline.now()

    def left(self) -> float:
        """Seconds until the deadline (at least a short wait, so a late step still looks)."""
        return max(_MIN_WAIT_S, self.deadline - self.now())

    def note(self, text: str, tone: str = "act") -> float:
        """A line of the story, in the timeline."""
        return self.bench.timeline.record("note", DEMO, text, tone=tone)

    def check(self, what: str, ok: bool, detail: str = "") -> bool:
        self.result.checks.append(Check(what, ok, detail))
        if not ok:
            self.note(f"not as expected: {what}" + (f" ({detail})" if detail else ""), "fail")
        return ok

    def latency(self, name: str, start: float, end: float) -> None:
        self.result.latencies.append(self.bench.timeline.latency(name, start, end))

    def pause_until(self, when: float) -> None:
        """Sleep until timeline time ``when`` (never past the deadline)."""
        wait = min(when, self.deadline) - self.now()
        if wait > 0:
            time.sleep(wait)

    def edge(self, line: str, active: bool, *, after: float, what: str) -> float | None:
        """Expect input ``line`` to go ``active`` (or not) at or after ``after``."""
        timeout = self.left()
        try:
            when = float(self.bench.input(line).wait_for(active, after=after, timeout=timeout))
        except AxisError:
            self.check(what, False, f"not within {timeout:.1f} s")
            return None
        self.check(what, True)
        return when

    def no_edge(self, line: str, *, since: float, until: float, what: str) -> bool:
        """Expect input ``line`` not to go active from ``since`` until ``until`` (waits)."""
        self.pause_until(until)
        edges = [edge for edge in self.bench.input(line).edges(since) if edge.active]
        detail = f"it went active at {edges[0].time - since:.2f} s" if edges else ""
        return self.check(what, not edges, detail)

    def quiet(self, line: str, *, since: float, quiet_s: float, what: str) -> bool:
        """Expect ``line`` to settle inactive, with no edge for ``quiet_s`` (waits)."""
        source = self.bench.input(line)
        while True:
            edges = source.edges(since)
            last = edges[-1].time if edges else since
            if not source.is_active and self.now() - last >= quiet_s:
                return self.check(what, True)
            if self.now() >= self.deadline:
                return self.check(what, False, "it was still changing when the step ran out")
            time.sleep(_POLL_S)

    def event(
        self,
        device: str,
        topic: str,
        *,
        after: float,
        what: str,
        where: Callable[[Any], bool] | None = None,
    ) -> float | None:
        """Expect an event of ``device`` whose topic contains ``topic``."""
        timeout = self.left()
        try:
            when = self.bench.events(device).wait_for(
                topic, after=after, timeout=timeout, where=where
            )
        except AxisError:
            self.check(what, False, f"no {topic} event within {timeout:.1f} s")
            return None
        self.check(what, True)
        return float(when)

    def until(self, what: str, condition: Callable[[], bool]) -> float | None:
        """Expect ``condition`` (polled) to hold before the deadline; when it first did."""
        while True:
            if condition():
                self.check(what, True)
                return self.now()
            if self.now() >= self.deadline:
                self.check(what, False, "not before the step ran out of time")
                return None
            time.sleep(_POLL_S)
