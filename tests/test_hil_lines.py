"""The Pi's lines as the harness sees them: levels, edges in the timeline, waiting, safe state.

Real gpiozero devices on a ``MockFactory`` whose output pins are wired to input pins
(``MockConnectedPin``), so that what one line drives another one reads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from gpiozero.pins.mock import MockConnectedPin, MockFactory

from axisctl.hil.lines import HilTimeout, InputLine, OutputLine
from axisctl.hil.rig_model import Level
from axisctl.hil.timeline import Timeline, TimelineEntry


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    made = MockFactory()
    yield made
    made.close()


def looped(factory: MockFactory, output: int, input_: int) -> None:
    """Wire mock output pin ``output`` to input pin ``input_``, as a jumper would."""
    factory.pin(output, pin_class=MockConnectedPin, input_pin=factory.pin(input_))


@pytest.mark.parametrize(
    ("active", "safe", "idle_pin", "active_pin"),
    [
        (Level.LOW, Level.HIGH, True, False),  # a relay board energising its coil on low
        (Level.HIGH, Level.LOW, False, True),  # an optocoupler lit on high
    ],
)
def test_an_output_drives_its_pin_at_the_active_level_and_starts_safe(
    factory: MockFactory, active: Level, safe: Level, idle_pin: bool, active_pin: bool
) -> None:
    timeline = Timeline()
    line = OutputLine(
        "coil", 5, active_level=active, safe_level=safe, pin_factory=factory, timeline=timeline
    )
    pin = factory.pin(5)
    assert pin.state == idle_pin
    assert not line.is_active
    t0 = line.activate()
    assert pin.state == active_pin
    assert line.is_active
    assert line.level is active
    t1 = line.deactivate()
    assert pin.state == idle_pin
    assert t1 >= t0
    entries = timeline.entries(kind="gpio")
    assert [(e.source, e.detail) for e in entries] == [
        ("coil", "inactive"),
        ("coil", "active"),
        ("coil", "inactive"),
    ]
    assert entries[1].time == t0
    assert entries[1].data == {"bcm": "5", "level": active.value}
    line.close()


def test_activating_an_active_line_records_no_second_edge(factory: MockFactory) -> None:
    timeline = Timeline()
    line = OutputLine(
        "x",
        6,
        active_level=Level.LOW,
        safe_level=Level.HIGH,
        pin_factory=factory,
        timeline=timeline,
    )
    line.activate()
    line.activate()
    assert [e.detail for e in timeline.entries(kind="gpio")] == ["inactive", "active"]
    line.close()


def test_pulse_returns_both_edges_and_ends_inactive(factory: MockFactory) -> None:
    line = OutputLine(
        "p",
        6,
        active_level=Level.LOW,
        safe_level=Level.HIGH,
        pin_factory=factory,
        timeline=Timeline(),
    )
    start, end = line.pulse(0.05)
    assert end - start >= 0.05
    assert not line.is_active
    with pytest.raises(ValueError, match="0 s or more"):
        line.pulse(-1)
    line.close()


def test_make_safe_returns_to_the_safe_level_even_when_that_is_active(
    factory: MockFactory,
) -> None:
    timeline = Timeline()
    power = OutputLine(
        "poe-cut", 13, active_level=Level.LOW, safe_level=Level.LOW, pin_factory=factory,
        timeline=timeline,
    )  # fmt: skip
    assert power.is_active
    assert factory.pin(13).state is False
    power.deactivate()
    power.make_safe()
    power.make_safe()
    assert power.is_active
    assert factory.pin(13).state is False
    assert timeline.entries(kind="gpio")[-1].data["safe"] == "1"
    power.close()
    power.make_safe()  # a closed line is left alone, without an error


def test_an_input_records_each_edge_with_the_time_it_happened(factory: MockFactory) -> None:
    timeline = Timeline()
    looped(factory, 17, 27)
    drive = OutputLine(
        "drive", 17, active_level=Level.LOW, safe_level=Level.HIGH, pin_factory=factory,
        timeline=timeline,
    )  # fmt: skip
    contact = InputLine(
        "contact", 27, active_level=Level.LOW, pin_factory=factory, timeline=timeline
    )
    assert not contact.is_active
    t0 = drive.activate()
    assert contact.is_active
    assert contact.level is Level.LOW
    t1 = drive.deactivate()
    edges = contact.edges()
    assert [(e.active, e.level) for e in edges] == [(True, Level.LOW), (False, Level.HIGH)]
    # Stamped in the callback, between the write that caused it and the next one.
    assert t0 <= edges[0].time <= t1 <= edges[1].time
    assert contact.edges(since=edges[1].time) == [edges[1]]
    recorded = [
        (e.source, e.detail) for e in timeline.entries(kind="gpio") if e.source == "contact"
    ]
    assert recorded == [("contact", "inactive"), ("contact", "active"), ("contact", "inactive")]
    contact.close()
    drive.close()


def test_an_input_active_high_uses_the_pull_down(factory: MockFactory) -> None:
    timeline = Timeline()
    sensor = InputLine("light", 22, active_level=Level.HIGH, pin_factory=factory, timeline=timeline)
    pin = factory.pin(22)
    assert pin.pull == "down"
    assert not sensor.is_active
    pin.drive_high()
    assert sensor.is_active
    assert sensor.edges()[-1].level is Level.HIGH
    sensor.close()


def test_wait_for_answers_now_for_a_line_already_in_that_state(factory: MockFactory) -> None:
    timeline = Timeline()
    line = InputLine("in", 22, active_level=Level.HIGH, pin_factory=factory, timeline=timeline)
    before = timeline.now()
    assert line.wait_for(False, timeout=0) >= before
    line.close()


def test_wait_for_after_a_time_waits_for_an_edge_from_another_thread(
    factory: MockFactory,
) -> None:
    timeline = Timeline()
    line = InputLine("in", 22, active_level=Level.HIGH, pin_factory=factory, timeline=timeline)
    pin = factory.pin(22)
    after = timeline.now()
    threading.Timer(0.05, pin.drive_high).start()
    seen = line.wait_for(True, after=after, timeout=5)
    assert seen >= after
    assert line.edges()[-1].time == seen
    # An edge before `after` does not count, even though the line is still in that state.
    with pytest.raises(HilTimeout):
        line.wait_for(True, after=timeline.now(), timeout=0.05)
    line.close()


def test_a_timeout_says_which_line_which_state_and_how_long(factory: MockFactory) -> None:
    line = InputLine(
        "barrier", 27, active_level=Level.LOW, pin_factory=factory, timeline=Timeline()
    )
    started = time.monotonic()
    with pytest.raises(HilTimeout) as caught:
        line.wait_for(True, timeout=0.1)
    assert time.monotonic() - started >= 0.1
    message = str(caught.value)
    assert "barrier" in message
    assert "BCM 27" in message
    assert "active" in message
    assert "0.1 s" in message
    assert isinstance(caught.value, TimeoutError)
    line.close()


def test_an_edge_while_the_input_opens_is_not_lost(factory: MockFactory) -> None:
    # The far end moves between the line's first read and its callbacks' hook-up (the
    # moment the initial state is recorded): a sensor watching a blinking strobe, say.
    timeline = Timeline()
    pin = factory.pin(22)

    def far_end_moves(entry: TimelineEntry) -> None:
        if (entry.kind, entry.source, entry.data.get("initial")) == ("gpio", "light", "True"):
            pin.drive_high()

    unsubscribe = timeline.subscribe(far_end_moves)
    line = InputLine("light", 22, active_level=Level.HIGH, pin_factory=factory, timeline=timeline)
    unsubscribe()
    assert line.is_active
    assert [edge.active for edge in line.edges()] == [True]
    after = timeline.now()
    pin.drive_low()
    assert line.wait_for(False, after=after, timeout=1) >= after
    line.close()
