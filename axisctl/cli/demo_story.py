"""The demo's story: its steps paced to fit ``--duration``, and the summary of what happened.

The story has one slot per step (``duration / steps`` seconds). A step starts at the
beginning of its slot and every wait in it ends by the slot's end, so the story never runs
past ``duration`` seconds, and a step that does not happen is reported instead of hanging.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

from axisctl.cli.demo_checks import Step, StepResult
from axisctl.cli.demo_scenes import SCENES, Scene
from axisctl.cli.demo_site import DEMO, SiteControls
from axisctl.errors import AxisError
from axisctl.hil.bench import Bench
from axisctl.hil.timeline import Latency

#: The shortest story: each step needs about three seconds (a door stays open for two).
MIN_DURATION_S = 15.0
DEFAULT_DURATION_S = 24.0


@dataclass(frozen=True)
class StoryOutcome:
    steps: tuple[StepResult, ...]
    #: Bench timeline times of the story's start and end.
    started: float
    ended: float
    duration: float

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


class Story:
    """Plays :data:`~axisctl.cli.demo_scenes.SCENES` on a prepared bench."""

    def __init__(
        self,
        bench: Bench,
        site: SiteControls,
        duration: float,
        scenes: tuple[Scene, ...] = SCENES,
    ) -> None:
        self.bench = bench
        self.site = site
        self.duration = duration
        self.scenes = scenes
        #: The bench timeline time the story started at (set by :meth:`run`).
        self.started: float | None = None
        self._lock = threading.Lock()
        self._current: tuple[int, str] | None = None

    @property
    def current(self) -> tuple[int, str] | None:
        """``(number, title)`` of the step being played, for the live view."""
        with self._lock:
            return self._current

    def begin(self) -> float:
        """Start the story's clock (if :meth:`run` has not): the bench timeline time."""
        if self.started is None:
            self.started = float(self.bench.timeline.now())
        return self.started

    def run(self) -> StoryOutcome:
        timeline = self.bench.timeline
        started = self.begin()
        slot = self.duration / len(self.scenes)
        results: list[StepResult] = []
        for index, scene in enumerate(self.scenes):
            begin = started + index * slot
            wait = begin - float(timeline.now())
            if wait > 0:
                time.sleep(wait)
            result = StepResult(index + 1, scene.title)
            with self._lock:
                self._current = (result.number, scene.title)
            timeline.record(
                "note", DEMO, f"Step {result.number}/{len(self.scenes)}: {scene.title}", tone="step"
            )
            step = Step(self.bench, result, deadline=begin + slot)
            try:
                scene.play(step, self.site)
            except (AxisError, OSError, TimeoutError) as error:
                step.check("the step ran to its end", False, str(error))
            results.append(result)
        with self._lock:
            self._current = None
        ended = float(timeline.record("note", DEMO, "The story ends", tone="step"))
        return StoryOutcome(tuple(results), started, ended, self.duration)


def format_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _latencies(latencies: list[Latency]) -> str:
    return "; ".join(f"{m.name} {format_seconds(m.seconds)}" for m in latencies)


def _failure_text(step: StepResult) -> str:
    failed = step.failures()
    if not failed:
        return "no check ran"
    return "; ".join(
        f"{check.what}: {check.detail}" if check.detail else check.what for check in failed
    )


def verdict(outcome: StoryOutcome) -> str:
    """The summary's last line: all went as expected, or which steps did not."""
    failed = [step for step in outcome.steps if not step.ok]
    if not failed:
        return f"All {len(outcome.steps)} steps happened as expected."
    listed = ", ".join(f"step {s.number} ({_failure_text(s)})" for s in failed)
    return f"Not as expected: {listed}."


def _heading(outcome: StoryOutcome) -> str:
    good = sum(step.ok for step in outcome.steps)
    took = outcome.ended - outcome.started
    return (
        f"Summary: {good} of {len(outcome.steps)} steps as expected; "
        f"the story took {took:.1f} s of {outcome.duration:g} s"
    )


def plain_summary(outcome: StoryOutcome) -> list[str]:
    """The summary as plain lines: each step, its checks, its measured latencies."""
    lines = ["", _heading(outcome)]
    for step in outcome.steps:
        state = "as expected" if step.ok else "NOT as expected"
        lines.append(f"  {step.number}. {step.title}: {state}")
        for check in step.checks:
            mark = "ok  " if check.ok else "FAIL"
            detail = f" ({check.detail})" if check.detail else ""
            lines.append(f"       {mark} {check.what}{detail}")
        if step.latencies:
            lines.append(f"       measured: {_latencies(step.latencies)}")
    lines.append(verdict(outcome))
    return lines


def print_rich_summary(console: Console, outcome: StoryOutcome) -> None:
    """The summary as a table, for a terminal."""
    table = Table(title=_heading(outcome), title_justify="left", show_lines=True)
    table.add_column("step")
    table.add_column("what happened")
    table.add_column("measured")
    for step in outcome.steps:
        checks = Text()
        for check in step.checks:
            mark, style = ("✓", "green") if check.ok else ("✗", "bold red")
            checks.append(f"{mark} ", style=style)
            checks.append(check.what + (f" ({check.detail})" if check.detail else ""))
            checks.append("\n")
        checks.rstrip()
        title = Text(f"{step.number}. {step.title}", style="bold" if step.ok else "bold red")
        measured = "\n".join(f"{m.name}: {format_seconds(m.seconds)}" for m in step.latencies)
        table.add_row(title, checks, measured)
    console.print(table)
    console.print(verdict(outcome), style="bold green" if outcome.ok else "bold red")
