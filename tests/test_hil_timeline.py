"""The run's timeline: one clock for edges, events and actions; windows per test; latencies."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from axisctl.hil.timeline import Timeline


class FakeMonotonic:
    """A monotonic clock the test moves by hand, so that times are exact."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_entries_are_timed_from_the_start_and_come_back_in_time_order() -> None:
    clock = FakeMonotonic()
    timeline = Timeline(clock=clock)
    clock.now = 101.5
    first = timeline.record("action", "gate-loop", "activate")
    timeline.record("gpio", "barrier", "active", when=1.2, bcm=27, level="low")
    assert first == 1.5
    entries = timeline.entries()
    assert [(e.time, e.source) for e in entries] == [(1.2, "barrier"), (1.5, "gate-loop")]
    assert entries[0].data == {"bcm": "27", "level": "low"}
    assert timeline.at(103.0) == 3.0


def test_an_unknown_kind_is_refused_with_the_kinds_allowed() -> None:
    with pytest.raises(ValueError, match="'gpio'"):
        Timeline().record("edge", "x", "y")


def test_a_latency_spans_two_times_and_cannot_run_backwards() -> None:
    timeline = Timeline()
    measured = timeline.latency("input edge -> event", 1.0, 1.25)
    assert measured.seconds == 0.25
    assert timeline.latencies() == [measured]
    with pytest.raises(ValueError, match=r"ends .* before it starts"):
        timeline.latency("backwards", 2.0, 1.0)


def test_a_window_holds_only_its_test_s_share_and_writes_log_and_json(tmp_path: Path) -> None:
    clock = FakeMonotonic()
    timeline = Timeline(clock=clock)
    timeline.record("note", "bench", "before", when=0.5)
    window = timeline.window(1.0, 3.0)
    timeline.record("gpio", "barrier", "active", when=2.0, level="low")
    timeline.record("note", "bench", "after", when=3.5)
    timeline.latency("plate -> barrier", 1.5, 2.0)

    assert [e.detail for e in window] == ["active"]
    window.write(tmp_path / "t.log")
    log = (tmp_path / "t.log").read_text()
    assert "barrier: active (level=low)" in log
    assert "latency plate -> barrier: 500.0 ms" in log
    window.write(tmp_path / "t.json")
    data = json.loads((tmp_path / "t.json").read_text())
    assert [e["detail"] for e in data["entries"]] == ["active"]
    assert data["latencies"][0]["seconds"] == 0.5
    assert not list(tmp_path.glob("*.partial"))


def test_subscribers_see_every_entry_until_they_unsubscribe() -> None:
    timeline = Timeline()
    seen: list[str] = []
    stop = timeline.subscribe(lambda entry: seen.append(entry.detail))
    timeline.record("note", "x", "one")
    stop()
    timeline.record("note", "x", "two")
    assert seen == ["one"]


def test_recording_from_many_threads_loses_nothing() -> None:
    timeline = Timeline()

    def record(source: str) -> None:
        for index in range(500):
            timeline.record("gpio", source, str(index))

    threads = [threading.Thread(target=record, args=(f"line-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = timeline.entries()
    assert len(entries) == 4000
    for n in range(8):
        mine = [int(e.detail) for e in entries if e.source == f"line-{n}"]
        assert sorted(mine) == list(range(500))
