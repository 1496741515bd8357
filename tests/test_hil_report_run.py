"""The HTML report of a real run: pytest with the plugin on the virtual rig, --hil-report."""

from __future__ import annotations

import json
import re

import pytest

from axisctl.hil.report import render_directory

pytest_plugins = ["pytester"]

SCENARIO = """
import pytest

def test_loop_reaches_the_camera(bench, wire_gate_loop, events_gate_camera):
    t0 = wire_gate_loop.activate()
    t1 = events_gate_camera.wait_for("IO/Port", after=t0, timeout=10)
    bench.timeline.latency("loop edge -> camera event", t0, t1)
    wire_gate_loop.deactivate()

@pytest.mark.rig_requires("wire:front-door")
def test_front_door():
    pass

def test_no_bench():
    pass
"""


def test_a_run_s_report_plots_what_each_test_did(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AXISCTL_HIL_RIG", raising=False)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_gate=SCENARIO)
    result = pytester.runpytest("--rig", "virtual", "--hil-report", "report")
    result.assert_outcomes(passed=2, skipped=1)
    report = pytester.path / "report"
    result.stdout.fnmatch_lines([f"HIL report: {report / 'index.html'}"])

    run = json.loads((report / "run.json").read_text())
    assert run["rig"]["name"] == "virtual"
    assert run["counts"] == {**run["counts"], "passed": 2, "skipped": 1}
    loop, door, plain = run["tests"]
    assert [e["detail"] for e in loop["entries"] if e["source"] == "gate-loop"] == [
        "active",
        "inactive",
    ]
    assert loop["log_file"] == "logs/test_gate.py__test_loop_reaches_the_camera.log"
    assert (report / loop["log_file"]).read_text() == loop["log"]
    assert door["outcome"] == "skipped"
    assert door["message"].startswith("the rig has no wire 'front-door'")
    assert plain["since"] is None

    page = (report / "index.html").read_text()
    assert "HIL run on virtual" in page
    section = page[page.index('id="test-0"') : page.index('id="test-1"')]
    assert "gate-loop (BCM 5, out)" in section
    levels = re.search(r'data-source="gate-loop".*?data-levels="([^"]*)"', section, re.S)
    assert levels is not None
    assert [pair.split(":")[1] for pair in levels.group(1).split()] == ["0", "1", "0"]
    assert "gate-camera (events)" in section
    assert "loop edge -&gt; camera event" in section
    assert 'class="bracket"' in section
    assert "the rig has no wire &#x27;front-door&#x27;" in page
    assert "This test did not use the bench" in page

    (report / "index.html").unlink()
    assert render_directory(report).read_text() == page
