"""The demo's story, live view and log in this process, on a real virtual rig.

Short stories of one or two steps (``Story`` takes any scenes and duration; the command
line keeps to the five steps and at least 15 s).
"""

from __future__ import annotations

import io
import os
import signal
import time
from collections.abc import Iterator

import pytest
from rich.console import Console

from axisctl.cli.demo_checks import Step
from axisctl.cli.demo_narrate import StoryFeed, StoryLine
from axisctl.cli.demo_run import interrupts_once
from axisctl.cli.demo_scenes import SCENES, Scene, car_arrives
from axisctl.cli.demo_site import BARRIER_WIRE, LIGHT_SENSOR, Car, SiteControls, prepared_site
from axisctl.cli.demo_story import Story, plain_summary, verdict
from axisctl.cli.demo_view import LiveView, PlainPrinter
from axisctl.hil.bench import Bench, open_bench
from axisctl.hil.rig import virtual_rig
from axisctl.hil.timeline import Timeline
from axisctl.hil.virtual_site import VirtualSite


@pytest.fixture
def site() -> Iterator[tuple[Bench, SiteControls]]:
    bench = open_bench(virtual_rig(), site=VirtualSite(broker=False))
    with bench, prepared_site(bench) as controls:
        yield bench, controls


def test_live_view_shows_the_site_its_lines_and_the_story(
    site: tuple[Bench, SiteControls],
) -> None:
    bench, controls = site
    story = Story(bench, controls, 7.0, scenes=SCENES[:2])
    feed = StoryFeed(bench.timeline, origin=story.begin())
    console = Console(file=io.StringIO(), record=True, force_terminal=True, width=140, height=45)
    with LiveView(bench, story, feed, controls.plates, console):
        outcome = story.run()
    feed.close()
    assert outcome.ok, plain_summary(outcome)
    shown = console.export_text()
    for part in ("Site", "Gate camera P1455-LE", "Strobe D4200-VE", "Intercom I8116-E"):
        assert part in shown
    assert "last plate: ABC123 (Allow list)" in shown
    assert "last plate: QRS456 (on no list)" in shown
    # The barrier's contact and the strobe's light as the Pi's lines saw them.
    assert "Barrier (relay module)  OPEN" in shown
    assert "light ON, flashing" in shown
    assert "Raspberry Pi GPIO" in shown
    for line in ("27  barrier", "12  door-relay", "22  strobe-light", "5   gate-loop"):
        assert line in shown
    assert "step 2/2: An unknown car QRS456 sets off the strobe" in shown
    assert "barrier opens (relay module relay 1)" in shown
    assert "The guard acknowledges the alarm" in shown


def test_a_step_that_does_not_happen_fails_the_story_and_is_named(
    site: tuple[Bench, SiteControls],
) -> None:
    bench, controls = site

    def unknown_car_opens_the_barrier(step: Step, site: SiteControls) -> None:
        shown, _listed = car_arrives(step, site, Car("ZZZ999", "a car on no list"))
        step.edge(BARRIER_WIRE, True, after=shown, what="the barrier opened")
        site.silence_alarm()

    scene = Scene("A car on no list at the gate", unknown_car_opens_the_barrier)
    story = Story(bench, controls, 2.0, scenes=(scene,))
    outcome = story.run()
    assert not outcome.ok
    [step] = outcome.steps
    assert [check.what for check in step.failures()] == ["the barrier opened"]
    assert verdict(outcome).startswith("Not as expected: step 1 (the barrier opened: not within")
    assert "       FAIL the barrier opened (not within" in "\n".join(plain_summary(outcome))
    assert not bench.input(BARRIER_WIRE).edges(outcome.started)


def test_a_flashing_strobe_is_one_line_of_the_log_not_one_per_flash() -> None:
    timeline = Timeline()
    told: list[StoryLine] = []
    feed = StoryFeed(timeline, on_line=told.append)
    for flash in range(6):  # three seconds of a 0.5 s blink
        timeline.record("gpio", LIGHT_SENSOR, "active", when=1.0 + flash * 0.5)
        timeline.record("gpio", LIGHT_SENSOR, "inactive", when=1.25 + flash * 0.5)
    timeline.record("gpio", LIGHT_SENSOR, "active", when=9.0)  # the next alarm
    timeline.record("gpio", BARRIER_WIRE, "active", when=9.5)
    timeline.record("gpio", BARRIER_WIRE, "inactive", when=10.5)
    feed.close()
    assert [(line.time, line.text) for line in told] == [
        (1.0, "strobe light on (light sensor)"),
        (9.0, "strobe light on (light sensor)"),
        (9.5, "barrier opens (relay module relay 1)"),
        (10.5, "barrier closes"),
    ]


def test_plain_lines_come_out_in_time_order_whatever_order_they_were_recorded_in() -> None:
    out = io.StringIO()
    printer = PlainPrinter(out)
    printer.line(StoryLine(2.5, "door relay closes: the door is open"))
    printer.line(StoryLine(2.4, "intercom grants access to Gordon Freeman"))
    printer.line(StoryLine(3.0, "door relay opens: the door is locked"))
    printer.close()
    assert out.getvalue().splitlines() == [
        "   2.40  intercom grants access to Gordon Freeman",
        "   2.50  door relay closes: the door is open",
        "   3.00  door relay opens: the door is locked",
    ]


def test_one_interrupt_stops_the_demo_and_the_next_cannot_cut_its_clean_up_short() -> None:
    cleaned = False
    with interrupts_once():
        with pytest.raises(KeyboardInterrupt):
            _interrupt_self()
        _interrupt_self()  # ignored: the clean-up is under way
        cleaned = True
    assert cleaned
    with pytest.raises(KeyboardInterrupt):  # the previous handler is back
        _interrupt_self()


def _interrupt_self() -> None:
    """Ctrl-C to this process; a handler that raises does so during the sleep."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.5)
