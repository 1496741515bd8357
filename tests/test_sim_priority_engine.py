"""The simulated strobe speaker's priority engine against a small reference model.

The reference model steps time one second at a time and lets the highest priority play
for that second; the engine jumps from event to event. With whole-second durations and
pattern cycles both must agree on what is stored, what plays, and what is left.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axisctl.sim.bus import EventBus
from axisctl.sim.clock import SimClock
from axisctl.sim.sirenlight import SirenLight
from axisctl.sim.sirenlight.patterns import LIGHT_PATTERNS

#: Light patterns with cycles of 1, 2 and 3 seconds.
PATTERNS = ("Steady", "Pulse", "Escalate 3 steps")


@dataclass
class RefActivity:
    id: int
    priority: int
    deadline: int | None
    repetitions: int | None
    period: int
    played: int = 0

    def finished(self, now: int) -> bool:
        if self.deadline is not None and self.deadline <= now:
            return True
        return self.repetitions is not None and self.played >= self.repetitions * self.period

    def left(self, now: int) -> int | None:
        if self.deadline is not None:
            return self.deadline - now
        if self.repetitions is not None:
            return self.repetitions - self.played // self.period
        return None


class Reference:
    def __init__(self) -> None:
        self.now = 0
        self.by_priority: dict[int, RefActivity] = {}

    def _expire(self) -> None:
        for priority in [p for p, a in self.by_priority.items() if a.finished(self.now)]:
            del self.by_priority[priority]

    def start(self, activity: RefActivity) -> None:
        self.by_priority[activity.priority] = activity
        self._expire()

    def stop(self, activity_id: int) -> None:
        for priority, activity in list(self.by_priority.items()):
            if activity.id == activity_id:
                del self.by_priority[priority]

    def advance(self, seconds: int) -> None:
        for _ in range(seconds):
            if self.by_priority:
                self.by_priority[max(self.by_priority)].played += 1
            self.now += 1
            self._expire()

    def status(self) -> list[tuple[int, int, int | None]]:
        return [
            (a.id, a.priority, a.left(self.now))
            for a in sorted(self.by_priority.values(), key=lambda a: -a.priority)
        ]


start_op = st.tuples(
    st.just("start"),
    st.integers(1, 10),
    st.sampled_from(PATTERNS),
    st.one_of(
        st.none(),
        st.tuples(st.just("seconds"), st.integers(0, 40)),
        st.tuples(st.just("repetitions"), st.integers(0, 6)),
    ),
)
stop_op = st.tuples(st.just("stop"), st.integers(0, 30))
advance_op = st.tuples(st.just("advance"), st.integers(0, 25))


@pytest.fixture
def service() -> Iterator[tuple[SimClock, SirenLight]]:
    clock = SimClock(manual=True)
    with clock.lock:
        siren_light = SirenLight(clock, EventBus())
        siren_light.set_maintenance(False)
    yield clock, siren_light
    clock.close()


def _engine_status(siren_light: SirenLight) -> list[tuple[int, int, int | None]]:
    lights: list[dict[str, Any]] = siren_light.status().get("light", [])
    return [(e["lightId"], e["priority"], e.get("durationLeft")) for e in lights]


@settings(max_examples=300, deadline=None)
@given(ops=st.lists(st.one_of(start_op, stop_op, advance_op), max_size=40))
def test_engine_matches_the_reference_model(ops: list[tuple[Any, ...]]) -> None:
    clock = SimClock(manual=True)
    with clock.lock:
        siren_light = SirenLight(clock, EventBus())
        siren_light.set_maintenance(False)
    reference = Reference()
    started: list[int] = []
    for op in ops:
        if op[0] == "start":
            _, priority, pattern, duration = op
            light: dict[str, Any] = {"pattern": pattern, "priority": priority}
            if duration is not None:
                light["duration"] = {"unit": duration[0], "value": duration[1]}
            with clock.lock:
                light_id = siren_light.start({"light": light})["lightId"]
            started.append(light_id)
            seconds = duration[1] if duration and duration[0] == "seconds" else None
            reps = duration[1] if duration and duration[0] == "repetitions" else None
            reference.start(
                RefActivity(
                    light_id,
                    priority,
                    None if seconds is None else reference.now + seconds,
                    reps,
                    LIGHT_PATTERNS[pattern].period_s,
                )
            )
        elif op[0] == "stop":
            if not started:
                continue
            light_id = started[op[1] % len(started)]
            stored = {a.id for a in reference.by_priority.values()}
            with clock.lock:
                if light_id in stored:
                    siren_light.stop({"lightId": light_id})
                else:
                    with pytest.raises(Exception, match="process id does not exist"):
                        siren_light.stop({"lightId": light_id})
            reference.stop(light_id)
        else:
            clock.advance(op[1])
            reference.advance(op[1])
        with clock.lock:
            assert _engine_status(siren_light) == reference.status(), f"after {op}"
            playing = siren_light.outputs()["light"]
        expected_top = reference.status()[0][0] if reference.status() else None
        assert (playing["lightId"] if playing else None) == expected_top
    clock.close()


def test_higher_priority_pre_empts_and_the_lower_one_resumes(
    service: tuple[SimClock, SirenLight],
) -> None:
    clock, siren_light = service
    with clock.lock:
        low = siren_light.start({"light": {"pattern": "Steady", "priority": 3}})["lightId"]
        high = siren_light.start({"light": {"pattern": "Alternate", "priority": 4}})["lightId"]
        assert siren_light.outputs()["light"]["lightId"] == high
        assert [e["lightId"] for e in siren_light.status()["light"]] == [high, low]
        siren_light.stop({"lightId": high})
        assert siren_light.outputs()["light"]["lightId"] == low


def test_a_lower_priority_start_waits_behind_the_playing_one(
    service: tuple[SimClock, SirenLight],
) -> None:
    clock, siren_light = service
    with clock.lock:
        high = siren_light.start({"light": {"pattern": "Alternate", "priority": 7}})["lightId"]
        siren_light.start({"light": {"pattern": "Steady", "priority": 2}})
        assert siren_light.outputs()["light"]["lightId"] == high
        assert len(siren_light.status()["light"]) == 2


def test_same_priority_replaces_and_the_older_never_returns(
    service: tuple[SimClock, SirenLight],
) -> None:
    clock, siren_light = service
    with clock.lock:
        first = siren_light.start({"light": {"pattern": "Steady", "priority": 5}})["lightId"]
        second = siren_light.start({"light": {"pattern": "Blink", "priority": 5}})["lightId"]
        assert [e["lightId"] for e in siren_light.status()["light"]] == [second]
        siren_light.stop({"lightId": second})
        assert siren_light.status() == {}
        with pytest.raises(Exception, match="process id does not exist"):
            siren_light.stop({"lightId": first})


def test_seconds_count_down_while_pre_empted(service: tuple[SimClock, SirenLight]) -> None:
    clock, siren_light = service
    timed = {"pattern": "Steady", "priority": 2, "duration": {"unit": "seconds", "value": 30}}
    with clock.lock:
        low = siren_light.start({"light": timed})["lightId"]
        high = siren_light.start({"light": {"pattern": "Pulse", "priority": 9}})["lightId"]
    clock.advance(20)
    with clock.lock:
        siren_light.stop({"lightId": high})
        (entry,) = siren_light.status()["light"]
        assert (entry["lightId"], entry["durationLeft"]) == (low, 10)
    clock.advance(10)
    with clock.lock:
        assert siren_light.status() == {}


def test_repetitions_count_only_while_playing(service: tuple[SimClock, SirenLight]) -> None:
    clock, siren_light = service
    # Pulse cycles in 2 s: 3 repetitions need 6 s of play.
    reps = {"pattern": "Pulse", "priority": 2, "duration": {"unit": "repetitions", "value": 3}}
    with clock.lock:
        low = siren_light.start({"light": reps})["lightId"]
    clock.advance(2)
    with clock.lock:
        high = siren_light.start({"light": {"pattern": "Steady", "priority": 8}})["lightId"]
    clock.advance(100)
    with clock.lock:
        assert siren_light.status()["light"][1]["durationLeft"] == 2
        siren_light.stop({"lightId": high})
    clock.advance(3)
    with clock.lock:
        assert siren_light.outputs()["light"]["lightId"] == low
    clock.advance(1)
    with clock.lock:
        assert siren_light.status() == {}


def test_zero_duration_ends_at_once(service: tuple[SimClock, SirenLight]) -> None:
    clock, siren_light = service
    zero = {"pattern": "Steady", "priority": 2, "duration": {"unit": "seconds", "value": 0}}
    with clock.lock:
        assert "lightId" in siren_light.start({"light": zero})
        assert siren_light.status() == {}


def test_siren_and_light_are_arbitrated_separately(service: tuple[SimClock, SirenLight]) -> None:
    clock, siren_light = service
    with clock.lock:
        both = siren_light.start(
            {
                "siren": {"pattern": "Siren: Evac", "priority": 2},
                "light": {"pattern": "Steady", "priority": 9},
            }
        )
        siren_light.start({"siren": {"pattern": "Alarm: Bird", "priority": 5}})
        outputs = siren_light.outputs()
        assert outputs["light"]["lightId"] == both["lightId"]
        assert outputs["siren"]["pattern"] == "Alarm: Bird"


def test_start_checks_both_parts_before_starting_either(
    service: tuple[SimClock, SirenLight],
) -> None:
    clock, siren_light = service
    with clock.lock, pytest.raises(Exception, match="light pattern is invalid") as caught:
        siren_light.start({"siren": {"pattern": "Siren: Evac"}, "light": {"pattern": "Disco"}})
    assert getattr(caught.value, "code", None) == 2201
    with clock.lock:
        assert siren_light.status() == {}
