"""Running the demo: the bench up, the site set up, the story shown, everything safe after.

Whatever ends the run (the story's end, Ctrl-C, SIGTERM, an error), the bench is made safe
and closed: every Pi output at its safe level, then the readers, event streams and
simulators stopped. A second Ctrl-C while that happens is ignored, so it cannot be cut short.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from rich.console import Console

from axisctl.cli.demo_narrate import StoryFeed
from axisctl.cli.demo_site import prepared_site
from axisctl.cli.demo_story import Story, StoryOutcome, plain_summary, print_rich_summary
from axisctl.cli.demo_view import LiveView, PlainPrinter
from axisctl.hil.bench import Bench, open_bench
from axisctl.hil.rig import virtual_rig
from axisctl.hil.virtual_site import VirtualSite


@dataclass
class Closing:
    """How the bench was left: the outputs not at their safe level (none, normally)."""

    closed: bool = False
    outputs: int = 0
    unsafe: list[str] = field(default_factory=list)

    def line(self) -> str:
        if not self.closed:
            return "Stopped while the bench was starting; what had started was stopped."
        if self.unsafe:
            return f"WARNING: not at their safe level: {', '.join(self.unsafe)}."
        return (
            f"The bench is safe: all {self.outputs} Pi outputs at their safe level; "
            "readers, event streams and simulators stopped."
        )


class Interrupts:
    """Ctrl-C and SIGTERM raise ``KeyboardInterrupt`` once; after that, or after
    :meth:`hold`, they are ignored, so that a clean-up runs to its end."""

    def __init__(self) -> None:
        self.held = False

    def hold(self) -> None:
        """From now on, ignore Ctrl-C and SIGTERM (the clean-up has begun)."""
        self.held = True

    def handler(self, signum: int, frame: FrameType | None) -> None:
        if self.held:
            return
        self.held = True
        raise KeyboardInterrupt


@contextmanager
def interrupts_once() -> Iterator[Interrupts]:
    """Install :class:`Interrupts` for SIGINT and SIGTERM (main thread only) while inside."""
    interrupts = Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield interrupts
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, interrupts.handler) for sig in signals}
    try:
        yield interrupts
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _close(bench: Bench, closing: Closing) -> None:
    bench.make_safe()
    outputs = bench.outputs
    closing.outputs = len(outputs)
    closing.unsafe = [n for n, line in outputs.items() if line.is_active != line.safe_active]
    bench.close()
    closing.closed = True


def run_story(
    duration: float,
    *,
    interactive: bool,
    console: Console,
    say: Callable[[str], None],
    closing: Closing,
    interrupts: Interrupts,
) -> StoryOutcome:
    """Open the virtual rig, set the site up, play the story; the outcome."""
    began = time.monotonic()
    with console.status("Starting the simulated site…") if interactive else _nothing():
        # The story needs no MQTT: without a broker the demo starts no other process and
        # runs on a machine with neither mosquitto nor the dev extra's amqtt.
        bench = open_bench(virtual_rig(), site=VirtualSite(broker=False))
    try:
        say(
            f"The site is up in {time.monotonic() - began:.1f} s: gate camera, relay module, "
            "strobe speaker and intercom simulated, wired to mock GPIO lines, an OSDP reader "
            "on a pseudo-terminal."
        )
        with prepared_site(bench) as site:
            say(
                "Set up: the camera's allow list and its barrier through the relay module, "
                "the strobe's alarm for unknown cars, the intercom's entry list."
            )
            story = Story(bench, site, duration)
            printer = None if interactive else PlainPrinter()
            feed = StoryFeed(
                bench.timeline,
                origin=story.begin(),
                on_line=printer.line if printer is not None else None,
            )
            try:
                if interactive:
                    with LiveView(bench, story, feed, site.plates, console):
                        return story.run()
                return story.run()
            finally:
                feed.close()
                if printer is not None:
                    printer.close()
    finally:
        interrupts.hold()
        _close(bench, closing)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def show_outcome(
    outcome: StoryOutcome, *, interactive: bool, console: Console, say: Callable[[str], None]
) -> None:
    if interactive:
        console.print()
        print_rich_summary(console, outcome)
    else:
        for line in plain_summary(outcome):
            say(line)
