"""The HIL pytest plugin on the virtual rig: capability skips, per-test logs with the edges a
test made, latencies and rig metadata in JUnit XML, and outputs left safe after a failed
fixture, Ctrl-C and SIGTERM (observed from outside: safety.log, the test's log, run.json)."""

from __future__ import annotations

import json
import re
import signal
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
WALL_CLOCK = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"


@pytest.fixture(autouse=True)
def _project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AXISCTL_HIL_RIG", raising=False)
    pytester.makeini(INI)


def gpio_states(log: str, line: str) -> list[str]:
    """The states a Pi line went through, in the order the log shows them."""
    return re.findall(rf" gpio +{re.escape(line)}: (active|inactive)", log)


def test_a_capability_the_rig_lacks_skips_with_the_bench_s_reason(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.rig_requires("wire:front-door", "osdp")
        def test_front_door():
            raise AssertionError("the rig has no front door")

        @pytest.mark.rig_requires("osdp", "wire:gate-loop", "plate-display")
        def test_gate(bench):
            assert bench.rig.name == "virtual"
        """
    )
    result = pytester.runpytest("--rig", "virtual", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]1[]] test_*.py:3: the rig has no wire 'front-door' (rig 'virtual'*"]
    )


LOOP_TEST = """
def test_loop(wire_gate_loop, events_gate_camera, hil_timeline):
    t0 = wire_gate_loop.activate()
    t1 = events_gate_camera.wait_for("IO/Port", after=t0, timeout=10)
    hil_timeline.timeline.latency("loop -> event", t0, t1)
    wire_gate_loop.deactivate()
    assert [e.detail for e in hil_timeline.entries() if e.source == "gate-loop"] == [
        "active", "inactive"]

def test_fails(rig_outputs):
    rig_outputs["strobe-trigger"].activate()
    raise AssertionError("the strobe did not start")
"""


def test_each_test_gets_a_timestamped_log_of_its_edges_events_and_latencies(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(LOOP_TEST)
    result = pytester.runpytest("--rig", "virtual", "--hil-log-dir", "logs")
    result.assert_outcomes(passed=1, failed=1)
    logs = {path.name: path.read_text() for path in (pytester.path / "logs").glob("*.log")}
    log = next(text for name, text in logs.items() if name.endswith(".py__test_loop.log"))
    assert re.match(r"# test: test_\w+\.py::test_loop\n", log)
    assert gpio_states(log, "gate-loop") == ["active", "inactive"]
    assert re.search(rf"^{WALL_CLOCK} +[\d.]+ event +gate-camera: .*IO/Port", log, re.M)
    assert re.search(r"^latency loop -> event: [\d.]+ ms", log, re.M)
    # the failing test's log ends with the plugin making its output safe again
    failed = next(text for name, text in logs.items() if name.endswith("__test_fails.log"))
    assert gpio_states(failed, "strobe-trigger") == ["active", "inactive"]
    assert "strobe-trigger: inactive (bcm=6, level=high, safe=1)" in failed


def test_a_failing_test_shows_its_timeline_in_the_failure_report(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(LOOP_TEST)
    result = pytester.runpytest("--rig", "virtual", "-k", "fails")
    result.assert_outcomes(failed=1, deselected=1)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: the strobe did not start",
            "*- hil timeline -*",
            "*action  harness: test starts*",
            "*gpio    strobe-trigger: active (bcm=6, level=low)",
        ]
    )


def test_junit_xml_holds_the_rig_metadata_and_each_test_s_latencies(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(LOOP_TEST)
    pytester.runpytest("--rig", "virtual", "--junitxml", "junit.xml")
    root = ET.parse(pytester.path / "junit.xml").getroot()  # noqa: S314 - pytest's own output
    suite = root if root.tag == "testsuite" else root[0]
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["hil.rig"] == "virtual"
    assert properties["hil.rig.kind"] == "virtual"
    assert properties["hil.rig.source"] == "axisctl/hil/rigs/virtual.yaml"
    assert properties["hil.device.gate-camera.model"] == "p1455-le-3"
    assert properties["hil.device.intercom.model"] == "intercom"
    assert re.fullmatch(r"\d+\.\d+\.\d+", properties["hil.device.strobe.firmware"] or "")
    assert properties["hil.device.strobe.serial"]
    case = next(c for c in suite.iter("testcase") if c.get("name") == "test_loop")
    latency = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert float(latency["hil.latency.loop -> event"] or "nan") >= 0


def test_an_output_a_failing_fixture_activated_is_safe_for_the_next_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def strobe_running(wire_strobe_trigger):
            wire_strobe_trigger.activate()
            raise RuntimeError("the fixture broke after starting the strobe")

        @pytest.fixture
        def loop_held(wire_gate_loop):
            wire_gate_loop.activate()
            yield
            raise RuntimeError("the fixture's teardown broke with the loop held")

        def test_strobe(strobe_running):
            pass

        def test_loop(loop_held):
            pass

        def test_after(bench, wire_strobe_trigger, wire_gate_loop):
            assert not wire_strobe_trigger.is_active
            assert not wire_gate_loop.is_active
            for device, port in (("strobe", 1), ("gate-camera", 1)):
                assert not bench.simulated(device).io.is_active(port)
        """
    )
    handler = signal.getsignal(signal.SIGTERM)
    result = pytester.runpytest("--rig", "virtual", "--hil-log-dir", "logs")
    result.assert_outcomes(passed=2, errors=2)
    assert signal.getsignal(signal.SIGTERM) is handler  # the plugin's is gone with its bench
    logs = {p.name: p.read_text() for p in (pytester.path / "logs").glob("*.log")}
    strobe = next(text for name, text in logs.items() if name.endswith("__test_strobe.log"))
    assert gpio_states(strobe, "strobe-trigger")[-1] == "inactive"
    loop = next(text for name, text in logs.items() if name.endswith("__test_loop.log"))
    assert gpio_states(loop, "gate-loop")[-1] == "inactive"


def safety_lines(logs: Path, reason: str) -> list[str]:
    text = (logs / "safety.log").read_text()
    return [line for line in text.splitlines() if f"made safe ({reason})" in line]


INTERRUPTED_TEST = """
import os, signal, time

def test_stopped(wire_gate_loop, relay_relays_2):
    wire_gate_loop.activate()
    relay_relays_2.activate()
    {stop}
    time.sleep(60)
"""


def assert_left_safe(pytester: pytest.Pytester, reason: str) -> None:
    logs = pytester.path / "report" / "logs"
    (line,) = safety_lines(logs, reason)
    assert "gate-loop inactive (BCM 5 high)" in line
    assert "strobe-trigger inactive (BCM 6 high)" in line
    # the far end: the simulated input ports are open again
    assert "device side gate-camera port 1 (gate-loop) inactive" in line
    assert "device side strobe port 1 (strobe-trigger) inactive" in line
    (log,) = [p.read_text() for p in logs.glob("*__test_stopped.log")]
    assert gpio_states(log, "gate-loop") == ["active", "inactive"]
    assert gpio_states(log, "strobe-trigger") == ["active", "inactive"]
    run = json.loads((pytester.path / "report" / "run.json").read_text())
    (test,) = run["tests"]
    assert test["outcome"] == "interrupted"


@pytest.mark.parametrize(
    "stop",
    ["os.kill(os.getpid(), signal.SIGINT)", "raise KeyboardInterrupt"],
    ids=["sigint", "raise"],
)
def test_ctrl_c_leaves_every_output_safe(pytester: pytest.Pytester, stop: str) -> None:
    pytester.makepyfile(INTERRUPTED_TEST.replace("{stop}", stop))
    result = pytester.runpytest_subprocess("--rig", "virtual", "--hil-report", "report")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert_left_safe(pytester, "interrupted (Ctrl-C)")


def test_sigterm_leaves_every_output_safe_then_ends_the_process_as_sigterm_does(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(INTERRUPTED_TEST.replace("{stop}", "os.kill(os.getpid(), signal.SIGTERM)"))
    result = pytester.runpytest_subprocess("--rig", "virtual", "--hil-report", "report")
    assert result.ret == -signal.SIGTERM
    result.stderr.fnmatch_lines(["axisctl hil: * made safe (SIGTERM): *gate-loop inactive*"])
    assert_left_safe(pytester, "SIGTERM")
