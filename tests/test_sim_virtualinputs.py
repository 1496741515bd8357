"""The simulator's virtual input model on its own: states, durations on a manual clock, events."""

from __future__ import annotations

import math
import threading

import pytest

from axisctl.sim.bus import TOPIC_VIRTUAL_INPUT, EventBus
from axisctl.sim.clock import SimClock
from axisctl.sim.virtualinputs import (
    MAX_DURATION,
    InvalidDuration,
    VirtualInputNotFound,
    VirtualInputs,
)


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def vi(clock: SimClock, bus: EventBus) -> VirtualInputs:
    return VirtualInputs(64, clock, bus)


def changes(bus: EventBus) -> list[tuple[str, str, float]]:
    """(port, active, time) of every virtual input event so far."""
    return [(e.source["port"], e.data["active"], e.time) for e in bus.events(TOPIC_VIRTUAL_INPUT)]


def test_all_ports_start_inactive(vi: VirtualInputs) -> None:
    assert not any(vi.is_active(port) for port in range(1, 65))
    assert vi.active_ports() == []


def test_activate_and_deactivate_report_whether_the_state_changed(
    vi: VirtualInputs, bus: EventBus
) -> None:
    assert vi.activate(1) is True
    assert vi.activate(1) is False
    assert vi.is_active(1)
    assert vi.deactivate(1) is True
    assert vi.deactivate(1) is False
    assert not vi.is_active(1)
    # One event per change, none for the calls that changed nothing.
    assert changes(bus) == [("1", "1", 0.0), ("1", "0", 0.0)]


def test_events_have_the_wire_form_of_the_event_stream(vi: VirtualInputs, bus: EventBus) -> None:
    vi.activate(38)
    (event,) = bus.events(TOPIC_VIRTUAL_INPUT)
    assert event.topic == "tns1:Device/tnsaxis:IO/VirtualInput"
    assert dict(event.source) == {"port": "38"}
    assert dict(event.data) == {"active": "1"}
    assert event.stateful
    # The bus keeps it as the port's present state for late subscribers.
    assert [dict(e.data) for e in bus.current()] == [{"active": "1"}]


def test_ports_are_independent(vi: VirtualInputs) -> None:
    vi.activate(1)
    vi.activate(64)
    vi.deactivate(1)
    assert vi.active_ports() == [64]


@pytest.mark.parametrize("port", [0, -1, 65, True, "1", 1.0])
def test_ports_outside_1_to_count_do_not_exist(
    vi: VirtualInputs, bus: EventBus, port: object
) -> None:
    with pytest.raises(VirtualInputNotFound):
        vi.activate(port)  # type: ignore[arg-type]
    with pytest.raises(VirtualInputNotFound):
        vi.deactivate(port)  # type: ignore[arg-type]
    with pytest.raises(VirtualInputNotFound):
        vi.is_active(port)  # type: ignore[arg-type]
    assert changes(bus) == []


def test_count_is_configurable(clock: SimClock, bus: EventBus) -> None:
    eight = VirtualInputs(8, clock, bus)
    assert eight.activate(8)
    with pytest.raises(VirtualInputNotFound, match=r"1\.\.8"):
        eight.activate(9)
    none = VirtualInputs(0, clock, bus)
    with pytest.raises(VirtualInputNotFound):
        none.activate(1)
    with pytest.raises(ValueError, match="count"):
        VirtualInputs(-1, clock, bus)


def test_duration_deactivates_at_exactly_the_deadline(
    vi: VirtualInputs, clock: SimClock, bus: EventBus
) -> None:
    clock.advance(100)
    assert vi.activate(3, duration=10) is True
    assert vi.deactivates_at(3) == 110
    clock.advance(9.999)
    assert vi.is_active(3)
    clock.advance(0.001)
    assert not vi.is_active(3)
    assert vi.deactivates_at(3) is None
    assert changes(bus) == [("3", "1", 100.0), ("3", "0", 110.0)]


def test_a_long_jump_fires_the_deactivation_at_its_own_time(
    vi: VirtualInputs, clock: SimClock, bus: EventBus
) -> None:
    vi.activate(1, duration=30)
    clock.advance(3600)
    assert changes(bus) == [("1", "1", 0.0), ("1", "0", 30.0)]


def test_duration_on_an_active_port_keeps_it_active_then_deactivates(
    vi: VirtualInputs, clock: SimClock, bus: EventBus
) -> None:
    vi.activate(2)
    assert vi.activate(2, duration=5) is False
    clock.advance(4)
    assert vi.is_active(2)
    clock.advance(1)
    assert not vi.is_active(2)
    assert changes(bus) == [("2", "1", 0.0), ("2", "0", 5.0)]


def test_reactivation_with_a_new_duration_replaces_the_pending_one(
    vi: VirtualInputs, clock: SimClock, bus: EventBus
) -> None:
    vi.activate(1, duration=10)
    clock.advance(6)
    assert vi.activate(1, duration=10) is False
    clock.advance(5)  # t=11: past the first deadline
    assert vi.is_active(1)
    clock.advance(5)  # t=16: the second deadline
    assert not vi.is_active(1)
    assert changes(bus) == [("1", "1", 0.0), ("1", "0", 16.0)]


def test_a_shorter_new_duration_wins_and_the_old_one_never_fires(
    vi: VirtualInputs, clock: SimClock, bus: EventBus
) -> None:
    vi.activate(1, duration=100)
    vi.activate(1, duration=5)
    clock.advance(5)
    assert not vi.is_active(1)
    vi.activate(1)  # active for good now
    clock.advance(200)
    assert vi.is_active(1)
    assert changes(bus) == [("1", "1", 0.0), ("1", "0", 5.0), ("1", "1", 5.0)]


def test_activation_without_duration_cancels_a_pending_deactivation(
    vi: VirtualInputs, clock: SimClock
) -> None:
    vi.activate(4, duration=10)
    assert vi.activate(4) is False
    assert vi.deactivates_at(4) is None
    clock.advance(60)
    assert vi.is_active(4)


def test_deactivate_cancels_the_pending_deactivation(
    vi: VirtualInputs, clock: SimClock, bus: EventBus
) -> None:
    vi.activate(1, duration=10)
    clock.advance(2)
    assert vi.deactivate(1) is True
    vi.activate(1)  # a later activation must not be cut short by the old timer
    clock.advance(20)
    assert vi.is_active(1)
    assert clock.pending() == 0
    assert changes(bus) == [("1", "1", 0.0), ("1", "0", 2.0), ("1", "1", 2.0)]


def test_duration_zero_is_a_pulse(vi: VirtualInputs, bus: EventBus) -> None:
    assert vi.activate(7, duration=0) is True
    assert not vi.is_active(7)
    assert changes(bus) == [("7", "1", 0.0), ("7", "0", 0.0)]


def test_duration_zero_on_an_active_port_deactivates_it(vi: VirtualInputs, bus: EventBus) -> None:
    vi.activate(7)
    assert vi.activate(7, duration=0) is False
    assert not vi.is_active(7)
    assert changes(bus) == [("7", "1", 0.0), ("7", "0", 0.0)]


@pytest.mark.parametrize("duration", [-1, -0.5, math.nan, math.inf, True, "5", MAX_DURATION + 1])
def test_invalid_durations_are_refused_before_anything_changes(
    vi: VirtualInputs, clock: SimClock, bus: EventBus, duration: object
) -> None:
    vi.activate(1, duration=10)
    with pytest.raises(InvalidDuration):
        vi.activate(1, duration=duration)  # type: ignore[arg-type]
    with pytest.raises(InvalidDuration):
        vi.activate(2, duration=duration)  # type: ignore[arg-type]
    assert not vi.is_active(2)
    # The earlier deadline still holds.
    assert vi.deactivates_at(1) == 10
    clock.advance(10)
    assert not vi.is_active(1)
    assert len(changes(bus)) == 2


def test_the_longest_duration_is_accepted(vi: VirtualInputs, clock: SimClock) -> None:
    vi.activate(1, duration=MAX_DURATION)
    clock.advance(MAX_DURATION - 1)
    assert vi.is_active(1)
    clock.advance(1)
    assert not vi.is_active(1)


def test_reset_sets_every_port_low_and_forgets_deadlines(
    vi: VirtualInputs, clock: SimClock, bus: EventBus
) -> None:
    vi.activate(1)
    vi.activate(2, duration=10)
    clock.advance(1)
    vi.reset()
    assert vi.active_ports() == []
    assert clock.pending() == 0
    # Whoever tracks state from the bus sees the ports fall.
    assert {(e.source["port"], e.data["active"]) for e in bus.current()} == {
        ("1", "0"),
        ("2", "0"),
    }
    vi.activate(2)
    clock.advance(20)
    assert vi.is_active(2)


def test_subscribers_see_the_new_state_when_notified(vi: VirtualInputs, bus: EventBus) -> None:
    seen: list[tuple[str, bool]] = []
    bus.subscribe(lambda e: seen.append((e.data["active"], vi.is_active(int(e.source["port"])))))
    vi.activate(5)
    vi.deactivate(5)
    assert seen == [("1", True), ("0", False)]


def test_changes_wait_for_the_device_lock(vi: VirtualInputs, clock: SimClock) -> None:
    done = threading.Event()

    def activate() -> None:
        vi.activate(9)
        done.set()

    with clock.lock:
        worker = threading.Thread(target=activate)
        worker.start()
        assert not done.wait(0.02)
        assert not vi.is_active(9)
    worker.join(timeout=5)
    assert vi.is_active(9)


def test_durations_run_on_a_real_clock_too(bus: EventBus) -> None:
    clock = SimClock()
    try:
        vi = VirtualInputs(4, clock, bus)
        fell = threading.Event()
        bus.subscribe(lambda e: fell.set() if e.data["active"] == "0" else None)
        vi.activate(1, duration=0.01)
        assert fell.wait(timeout=5)
        assert not vi.is_active(1)
    finally:
        clock.close()
