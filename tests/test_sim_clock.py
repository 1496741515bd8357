"""The simulator's clock: manual time fires timers in order, real time fires them by itself."""

from __future__ import annotations

import threading

import pytest

from axisctl.sim.clock import SimClock


def test_manual_clock_fires_due_timers_in_deadline_order_at_their_deadlines() -> None:
    clock = SimClock(manual=True)
    fired: list[tuple[str, float]] = []
    clock.call_later(5, lambda: fired.append(("b", clock.now())))
    clock.call_later(2, lambda: fired.append(("a", clock.now())))
    clock.call_later(50, lambda: fired.append(("late", clock.now())))
    clock.advance(10)
    assert fired == [("a", 2.0), ("b", 5.0)]
    assert clock.now() == 10.0
    assert clock.pending() == 1


def test_timers_scheduled_by_callbacks_fire_within_the_same_advance() -> None:
    clock = SimClock(manual=True)
    fired: list[float] = []

    def chain() -> None:
        fired.append(clock.now())
        if len(fired) < 3:
            clock.call_later(1, chain)

    clock.call_later(1, chain)
    clock.advance(60)
    assert fired == [1.0, 2.0, 3.0]


def test_cancelled_timers_do_not_fire() -> None:
    clock = SimClock(manual=True)
    fired: list[str] = []
    timer = clock.call_later(1, lambda: fired.append("x"))
    timer.cancel()
    clock.advance(2)
    assert fired == []
    assert clock.pending() == 0


def test_time_only_moves_forward_and_only_on_a_manual_clock() -> None:
    with pytest.raises(ValueError, match="forward"):
        SimClock(manual=True).advance(-1)
    real = SimClock()
    with pytest.raises(RuntimeError, match="manual"):
        real.advance(1)
    real.close()


def test_wall_time_moves_with_the_manual_clock() -> None:
    clock = SimClock(manual=True)
    start = clock.wall()
    clock.advance(3600)
    assert clock.wall() - start == pytest.approx(3600)


def test_real_clock_fires_timers_from_its_own_thread() -> None:
    clock = SimClock()
    done = threading.Event()
    threads: list[str] = []

    def callback() -> None:
        threads.append(threading.current_thread().name)
        done.set()

    clock.call_later(0.01, callback)
    assert done.wait(5)
    assert threads == ["axisctl-sim-clock"]
    clock.close()
    with pytest.raises(RuntimeError, match="closed"):
        clock.call_later(1, callback)
