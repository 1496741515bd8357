"""How the demo shows its story: a live terminal view, or plain timestamped lines.

The live view redraws a few times a second from what the bench sees now: each device's
state as the Pi's lines and the reader report it, every GPIO line of the rig, and the last
lines of the story log. The plain printer writes each story line as it comes, in time
order, for logs and scripts.
"""

from __future__ import annotations

import contextlib
import heapq
import queue
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from axisctl.cli.demo_narrate import StoryFeed, StoryLine
from axisctl.cli.demo_site import (
    BARRIER_WIRE,
    DOOR_WIRE,
    GATE_CAMERA,
    INTERCOM,
    LIGHT_SENSOR,
    OSDP_READER,
    SIREN_SENSOR,
    STROBE,
    PlateLog,
)
from axisctl.cli.demo_story import Story
from axisctl.hil.bench import Bench

#: Story line colours by tone.
TONES = {"step": "bold cyan", "act": "bold", "ok": "green", "alert": "bold yellow",
         "fail": "bold red", "info": ""}  # fmt: skip
#: A sensor with this many edges in the last :data:`_FLASH_WINDOW_S` is flashing.
_FLASH_EDGES = 2
_FLASH_WINDOW_S = 1.2
#: Rows the site and lines panels take, to size the story log to the terminal.
_TOP_ROWS = 16


class PlainPrinter:
    """Writes story lines to ``stream`` in time order, from a thread of its own.

    Lines come from the threads that record them, a little out of order at times; each is
    held :data:`HOLD_S` so that a slightly earlier one recorded later goes first.
    """

    HOLD_S = 0.2

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout
        self._queue: queue.Queue[StoryLine | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="demo-printer", daemon=True)
        self._thread.start()

    def line(self, line: StoryLine) -> None:
        self._queue.put(line)

    def close(self) -> None:
        """Print what is left and stop."""
        self._queue.put(None)
        self._thread.join(5)

    def _run(self) -> None:
        held: list[tuple[float, float, int, StoryLine]] = []
        count = 0
        done = False
        while not done or held:
            timeout = max(0.0, held[0][1] - time.monotonic()) if held else None
            try:
                item = self._queue.get(timeout=timeout) if not done else None
            except queue.Empty:
                item = None
            else:
                if item is None:
                    done = True
                else:
                    count += 1
                    heapq.heappush(held, (item.time, time.monotonic() + self.HOLD_S, count, item))
            now = time.monotonic()
            while held and (done or min(due for _, due, _, _ in held) <= now):
                self._write(heapq.heappop(held)[3])

    def _write(self, line: StoryLine) -> None:
        # A closed pipe must not take the demo (and the bench's clean-up) down.
        with contextlib.suppress(OSError, ValueError):
            print(line.plain(), file=self._stream, flush=True)


class LiveView:
    """The rich live view of a running story (a context manager)."""

    def __init__(
        self,
        bench: Bench,
        story: Story,
        feed: StoryFeed,
        plates: PlateLog,
        console: Console,
    ) -> None:
        self.bench = bench
        self.story = story
        self.feed = feed
        self.plates = plates
        self.console = console
        self._live = Live(
            get_renderable=self._render,
            console=console,
            refresh_per_second=8,
            screen=False,
            transient=False,
        )

    def __enter__(self) -> LiveView:
        self._live.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._live.stop()

    def _render(self) -> RenderableType:
        try:
            return Group(self._header(), self._top(), self._log())
        except Exception as error:  # a frame that cannot be drawn must not stop the story
            return Text(f"(view: {error})")

    def _header(self) -> Text:
        started = self.story.started
        elapsed = 0.0 if started is None else float(self.bench.timeline.now()) - started
        current = self.story.current
        text = Text("axisctl demo", style="bold")
        text.append(" · virtual rig · ")
        text.append(f"{max(0.0, elapsed):4.1f} s of {self.story.duration:g} s", style="cyan")
        if current is not None:
            text.append(f" · step {current[0]}/{len(self.story.scenes)}: {current[1]}", "bold cyan")
        text.append(" · Ctrl-C stops safely", style="dim")
        return text

    def _top(self) -> Table:
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1)
        grid.add_column(ratio=1)
        grid.add_row(
            Panel(self._site(), title="Site", border_style="blue"),
            Panel(self._lines(), title="Raspberry Pi GPIO (mock pins)", border_style="blue"),
        )
        return grid

    def _active(self, line: str) -> bool:
        return self.bench.input(line).is_active

    def _sensor(self, line: str, on: str, off: str) -> Text:
        now = float(self.bench.timeline.now())
        edges = self.bench.input(line).edges(now - _FLASH_WINDOW_S)
        if len(edges) >= _FLASH_EDGES:
            return Text(f"{on}, flashing", style="bold yellow")
        return Text(on, style="bold yellow") if self._active(line) else Text(off, style="dim")

    def _site(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column()
        read = self.plates.last()
        plate = Text("last plate: ")
        if read is None:
            plate.append("none yet", style="dim")
        else:
            hit = read.list_hit
            plate.append(f"{read.text} ", style="bold")
            plate.append(f"({hit.name})" if hit else "(on no list)", "green" if hit else "red")
        barrier = self._active(BARRIER_WIRE)
        door = self._active(DOOR_WIRE)
        led = self.bench.osdp_reader(OSDP_READER).led()
        rows = (
            (self._device("Gate camera", GATE_CAMERA), plate),
            (
                Text("Barrier (relay module)", style="bold"),
                Text("OPEN", style="bold green") if barrier else Text("closed", style="dim"),
            ),
            (
                self._device("Strobe", STROBE),
                Text("light ").append_text(self._sensor(LIGHT_SENSOR, "ON", "dark")),
            ),
            (Text(""), Text("siren ").append_text(self._sensor(SIREN_SENSOR, "ON", "silent"))),
            (
                self._device("Intercom", INTERCOM),
                Text("door ").append_text(
                    Text("OPEN", style="bold green") if door else Text("locked", style="dim")
                ),
            ),
            (Text(""), Text(f"reader LED {led.describe()}")),
        )
        for label, state in rows:
            table.add_row(label, state)
        return table

    def _device(self, label: str, name: str) -> Text:
        text = Text(label, style="bold")
        text.append(f" {self.bench.rig.devices[name].model_spec.prod_nbr}", style="dim")
        return text

    def _lines(self) -> Table:
        table = Table.grid(padding=(0, 2))
        for column in ("BCM", "line", "", "level", "state"):
            table.add_column(column, style="dim" if column == "BCM" else None)
        rows: list[tuple[int, str, str, str, bool]] = []
        for name, output in self.bench.outputs.items():
            if "/" not in name:  # a relay channel shows under its wire's name
                rows.append((output.bcm, name, "out", output.level.value, output.is_active))
        for name, source in self.bench.inputs.items():
            rows.append((source.bcm, name, "in", source.level.value, source.is_active))
        for bcm, name, way, level, active in sorted(rows):
            state = Text("active", style="bold green") if active else Text("idle", style="dim")
            table.add_row(str(bcm), name, way, level, state)
        return table

    def _log(self) -> Panel:
        height = max(5, self.console.size.height - _TOP_ROWS - 4)
        text = Text()
        for line in self.feed.recent(height):
            text.append(f"{line.time:6.2f}  ", style="dim")
            text.append(line.text + "\n", style=TONES.get(line.tone, ""))
        text.rstrip()
        return Panel(text, title="Story", border_style="blue", height=height + 2)
