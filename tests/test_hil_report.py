"""The HTML report of a HIL run, rendered from a run record written by hand: what it shows,
that its square waves follow the edges, latencies as brackets, and escaping everywhere."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from axisctl.hil.report import main, render_directory, render_html, write_report
from axisctl.hil.report_data import (
    DeviceRecord,
    LineRecord,
    RunRecord,
    TestRecord,
    read_run,
)
from axisctl.hil.report_lanes import square_wave
from axisctl.hil.report_svg import LABEL_WIDTH, PLOT_WIDTH
from axisctl.hil.timeline import Latency, TimelineEntry

SVG = "{http://www.w3.org/2000/svg}"


def gpio(time: float, source: str, active: bool, bcm: int = 27) -> TimelineEntry:
    detail = "active" if active else "inactive"
    return TimelineEntry(time, "gpio", source, detail, {"bcm": str(bcm)})


def gate_test(**changes: object) -> TestRecord:
    """A gate scenario over 10.0 s .. 11.0 s: loop pulled, event, barrier up and down."""
    fields: dict[str, object] = {
        "nodeid": "hil/scenarios/test_gate.py::test_known_plate_opens_the_barrier",
        "outcome": "passed",
        "duration": 1.25,
        "since": 10.0,
        "until": 11.0,
        "initial": {"barrier": False, "gate-loop": False},
        "entries": (
            TimelineEntry(10.1, "action", "gate-camera", "show plate ABC123", {"country": "SE"}),
            gpio(10.2, "gate-loop", True, bcm=5),
            TimelineEntry(10.3, "event", "gate-camera", "tns1:Device/tnsaxis:IOPort/State"),
            gpio(10.4, "barrier", True),
            gpio(10.45, "barrier", True),  # a repeated callback: no new edge
            gpio(10.8, "barrier", False),
            TimelineEntry(10.5, "osdp", "door-osdp", "LED"),
            TimelineEntry(10.6, "wiegand", "door-wiegand", "26 bits"),
        ),
        "latencies": (Latency("plate -> barrier", 10.1, 10.4),),
        "log": "10.100000 action gate-camera: show plate ABC123\n",
        "log_file": "logs/test_gate.log",
    }
    fields.update(changes)
    return TestRecord(**fields)  # type: ignore[arg-type]


def a_run(*tests: TestRecord) -> RunRecord:
    return RunRecord(
        rig_name="bench-1",
        rig_kind="virtual",
        rig_source="axisctl/hil/rigs/virtual.yaml",
        devices=[DeviceRecord("gate-camera", "p1455-le-3", "12.1.55", "ACCC8E000001")],
        lines=[LineRecord("gate-loop", 5, True), LineRecord("barrier", 27, False)],
        started_at="2026-11-22T10:00:00+00:00",
        finished_at="2026-11-22T10:00:05+00:00",
        duration=5.0,
        exit_status=1,
        tests=list(tests) or [gate_test()],
    )


def svgs(page: str) -> list[ET.Element]:
    """Every inline SVG of the page, parsed as XML (which fails on anything ill-formed)."""
    found = re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL)
    return [ET.fromstring(svg) for svg in found]  # noqa: S314 - our own output, under test


def path_points(d: str) -> list[tuple[float, float]]:
    """The vertices of an ``M x,y H x V y ...`` path."""
    x = y = 0.0
    points = []
    for command, a, b in re.findall(r"([MHV])(-?[\d.]+)(?:,(-?[\d.]+))?", d):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "H":
            x = float(a)
        else:
            y = float(a)
        points.append((x, y))
    return points


def x_of(time: float, start: float = 10.0, end: float = 11.0) -> float:
    return LABEL_WIDTH + (time - start) / (end - start) * PLOT_WIDTH


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]


def test_the_page_sums_up_the_run_and_each_test() -> None:
    run = a_run(
        gate_test(),
        TestRecord("t.py::test_fails", "failed", 0.5, message="AssertionError: barrier shut"),
        TestRecord("t.py::test_skips", "skipped", message="the rig has no OSDP reader 'x'"),
    )
    page = render_html(run)
    assert "<title>HIL run on bench-1</title>" in page
    assert "bench-1 (virtual)" in page
    assert "axisctl/hil/rigs/virtual.yaml" in page
    assert '<span class="badge passed">1 passed</span>' in page
    assert '<span class="badge failed">1 failed</span>' in page
    assert '<span class="badge skipped">1 skipped</span>' in page
    assert "5.00 s" in page
    assert "1.250 s" in page
    assert "<td>12.1.55</td><td>ACCC8E000001</td>" in page
    assert "AssertionError: barrier shut" in page
    assert "the rig has no OSDP reader" in page
    assert "This test did not use the bench" in page
    assert 'href="#test-0"' in page
    assert 'id="test-0"' in page
    assert "logs/test_gate.log" in page


def test_the_page_is_self_contained_with_no_script() -> None:
    page = render_html(a_run())
    collector = TagCollector()
    collector.feed(page)
    assert "script" not in collector.tags
    assert not {"link", "img", "iframe", "object", "embed"} & set(collector.tags)
    assert not [name for name in collector.attributes if name.startswith("on")]
    assert "src=" not in page
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]


def test_one_lane_per_line_with_a_square_wave_that_follows_the_edges() -> None:
    (svg,) = svgs(render_html(a_run()))
    lanes = {g.get("data-source"): g for g in svg.iter(f"{SVG}g") if g.get("data-source")}
    assert list(lanes)[:2] == ["gate-loop", "barrier"]  # the rig's order: outputs first
    barrier = lanes["barrier"]
    label = barrier.find(f"{SVG}text")
    assert label is not None
    assert "".join(label.itertext()).startswith("barrier (BCM 27, in)")
    wave = barrier.find(f"{SVG}path[@class='wave']")
    assert wave is not None
    points = path_points(wave.get("d", ""))
    xs = [round(x, 1) for x, _ in points]
    ys = sorted({y for _, y in points})
    low, high = max(ys), min(ys)
    assert xs == [round(x_of(t), 1) for t in (10.0, 10.4, 10.4, 10.8, 10.8, 11.0)]
    assert [y for _, y in points] == [low, low, high, high, low, low]
    # active time is shaded: one block from the rising to the falling edge
    (shade,) = barrier.findall(f"{SVG}rect[@class='on']")
    assert float(shade.get("x", 0)) == pytest.approx(x_of(10.4), abs=0.01)
    assert float(shade.get("width", 0)) == pytest.approx(x_of(10.8) - x_of(10.4), abs=0.01)


def test_a_line_active_when_the_window_opens_starts_high() -> None:
    test = gate_test(initial={"barrier": True}, entries=(gpio(10.5, "barrier", False),))
    (svg,) = svgs(render_html(a_run(test)))
    wave = next(p for p in svg.iter(f"{SVG}path") if p.get("class") == "wave")
    levels = [y for _, y in path_points(wave.get("d", ""))]
    assert levels[0] < levels[-1]  # SVG y grows downwards: high first, then low


def test_square_wave_keeps_real_changes_only() -> None:
    edges = [(0.5, True), (0.7, True), (0.9, False), (2.0, True)]
    assert square_wave(False, edges, 0.0, 1.0) == [(0.0, False), (0.5, True), (0.9, False)]
    assert square_wave(False, [(-1.0, True), (0.2, False)], 0.0, 1.0) == [
        (0.0, True),
        (0.2, False),
    ]


def test_events_frames_and_actions_are_labelled_markers_and_flags() -> None:
    (svg,) = svgs(render_html(a_run()))
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "gate-camera (events)" in texts
    assert "IOPort/State" in texts
    assert "door-osdp (osdp)" in texts
    assert "LED" in texts
    assert "door-wiegand (wiegand)" in texts
    assert "26 bits" in texts
    assert "gate-camera: show plate ABC123" in texts
    titles = ["".join(t.itertext()) for t in svg.iter(f"{SVG}title")]
    assert any("event gate-camera: tns1:Device/tnsaxis:IOPort/State" in t for t in titles)
    assert any("show plate ABC123 (country=SE)" in t for t in titles)


def test_latencies_are_a_table_and_brackets_from_start_to_end() -> None:
    page = render_html(a_run())
    assert '<td>plate -&gt; barrier</td><td class="num">300.0 ms</td>' in page
    assert "Latencies over the run" in page
    (svg,) = svgs(page)
    (bracket,) = [p for p in svg.iter(f"{SVG}path") if p.get("class") == "bracket"]
    xs = [x for x, _ in path_points(bracket.get("d", ""))]
    assert min(xs) == pytest.approx(x_of(10.1), abs=0.01)
    assert max(xs) == pytest.approx(x_of(10.4), abs=0.01)
    labels = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "plate -> barrier: 300.0 ms" in labels


HOSTILE = '<script>alert("x")</script>\x00\x1b"\'&<img src=x onerror=alert(1)>'


def test_event_data_and_names_are_escaped_everywhere() -> None:
    test = gate_test(
        nodeid=f"t.py::test[{HOSTILE}]",
        entries=(
            TimelineEntry(10.2, "event", HOSTILE, HOSTILE, {HOSTILE: HOSTILE}),
            TimelineEntry(10.3, "action", HOSTILE, HOSTILE),
            TimelineEntry(10.4, "gpio", HOSTILE, "active", {"bcm": HOSTILE}),
        ),
        latencies=(Latency(HOSTILE, 10.2, 10.4),),
        log=HOSTILE,
        message=HOSTILE,
        log_file=HOSTILE,
    )
    run = a_run(test)
    run.rig_name = run.rig_description = HOSTILE
    run.devices = [DeviceRecord(HOSTILE, HOSTILE, HOSTILE, HOSTILE)]
    page = render_html(run)
    collector = TagCollector()
    collector.feed(page)
    assert "script" not in collector.tags
    assert "img" not in collector.tags
    assert not [name for name in collector.attributes if name.startswith("on")]
    assert "<script" not in page
    assert "\x00" not in page
    assert "\x1b" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert svgs(page)  # still well-formed XML


def test_the_report_is_written_and_rendered_again_from_run_json(tmp_path: Path) -> None:
    run = a_run()
    index = write_report(run, tmp_path / "report")
    assert index == tmp_path / "report" / "index.html"
    data = json.loads((tmp_path / "report" / "run.json").read_text())
    assert data["format"] == "axisctl-hil-run"
    assert data["counts"]["passed"] == 1
    assert read_run(tmp_path / "report").to_json() == run.to_json()
    first = index.read_text()
    index.unlink()
    render_directory(tmp_path / "report")
    assert index.read_text() == first
    assert main([str(tmp_path / "report")]) == 0


def test_a_sparse_or_newer_run_record_is_read_with_defaults_or_refused(tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text(
        json.dumps({"tests": [{"nodeid": "t::x", "since": 1.0, "entries": [{"time": "bad"}]}]})
    )
    run = read_run(tmp_path / "run.json")
    assert run.tests[0].outcome == "error"
    assert run.tests[0].entries[0].time == 0.0
    assert "t::x" in render_html(run)
    (tmp_path / "run.json").write_text(json.dumps({"format": "axisctl-hil-run", "version": 99}))
    with pytest.raises(ValueError, match="newer than this axisctl reads"):
        read_run(tmp_path)


def test_the_module_renders_a_directory_from_the_command_line(tmp_path: Path) -> None:
    write_report(a_run(), tmp_path)
    (tmp_path / "index.html").unlink()
    done = subprocess.run(
        [sys.executable, "-m", "axisctl.hil.report", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "index.html").exists()
