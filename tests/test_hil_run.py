"""``axisctl hil run`` end to end: pytest on a scenario folder and the virtual rig, the report,
the summary, pytest's exit status; ``axisctl hil report`` renders a run again."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

AXISCTL = [sys.executable, "-m", "axisctl"]

SCENARIOS = """
import pytest

def test_loop_reaches_the_camera(bench, wire_gate_loop, events_gate_camera):
    t0 = wire_gate_loop.activate()
    t1 = events_gate_camera.wait_for("IO/Port", after=t0, timeout=10)
    bench.timeline.latency("loop edge -> camera event", t0, t1)

def test_barrier_stays_shut(wire_barrier):
    assert wire_barrier.is_active, "the barrier never opened"

@pytest.mark.rig_requires("wire:front-door")
def test_front_door():
    pass
"""


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AXISCTL", "PYTEST"))}
    return subprocess.run(
        [*AXISCTL, "hil", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "test_site.py").write_text(SCENARIOS)
    (folder / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    return folder


def test_run_writes_the_report_prints_a_summary_and_exits_as_pytest_did(
    tmp_path: Path, scenarios: Path
) -> None:
    done = run_cli(tmp_path, "run", "--rig", "virtual", "--scenarios-dir", str(scenarios))
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "HIL run on rig virtual (virtual): 1 passed, 1 failed, 1 skipped in" in out
    assert "  failed: test_site.py::test_barrier_stays_shut" in out
    assert "Latencies (ms, min / max):" in out
    assert "loop edge -> camera event" in out
    report = tmp_path / "hil-report"
    assert f"Report: {report / 'index.html'}" in out
    page = (report / "index.html").read_text()
    assert "the barrier never opened" in page
    assert (report / "logs" / "test_site.py__test_barrier_stays_shut.log").exists()


def test_run_passes_k_and_pytest_options_through(tmp_path: Path, scenarios: Path) -> None:
    done = run_cli(
        tmp_path,
        "run",
        "--rig",
        "virtual",
        "--report",
        "out",
        "--scenarios-dir",
        str(scenarios),
        "-k",
        "loop or front",
        "-rs",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 skipped" in done.stdout
    assert re.search(
        r"SKIPPED \[1\] \S+test_site.py:\d+: the rig has no wire 'front-door'", done.stdout
    )
    assert (tmp_path / "out" / "index.html").exists()


def test_a_rig_file_mistake_is_pytest_s_usage_error_naming_the_line(
    tmp_path: Path, scenarios: Path
) -> None:
    rig = tmp_path / "bench.yaml"
    rig.write_text("name: bench\ndevices:\n  gate:\n    model: p1455-le-4\n")
    done = run_cli(tmp_path, "run", "--rig", "bench.yaml", "--scenarios-dir", str(scenarios))
    assert done.returncode == 4
    assert f"{rig}:4:12: device 'gate' has a model axisctl does not know" in done.stderr


def test_a_run_that_wrote_no_record_does_not_sum_up_an_earlier_one(
    tmp_path: Path, scenarios: Path
) -> None:
    from axisctl.hil.report import write_report
    from axisctl.hil.report_data import RunRecord, TestRecord

    earlier = RunRecord(rig_name="yesterday", tests=[TestRecord("t::x", "passed")])
    write_report(earlier, tmp_path / "hil-report")
    rig = tmp_path / "bench.yaml"
    rig.write_text("name: bench\ndevices:\n  gate:\n    model: p1455-le-4\n")
    done = run_cli(tmp_path, "run", "--rig", "bench.yaml", "--scenarios-dir", str(scenarios))
    assert done.returncode == 4
    assert "yesterday" not in done.stdout
    assert "HIL run on rig" not in done.stdout


def test_run_finds_the_bundled_scenarios(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "run", "--rig", "virtual", "--collect-only", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^test_scenario_\w+\.py::test_", done.stdout, re.M)


def test_without_pytest_run_says_how_to_install_it(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['pytest'] = None\n"
        "from axisctl.cli import main\n"
        "sys.argv = ['axisctl', 'hil', 'run', '--rig', 'virtual']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "pip install 'axisctl[hil]'" in done.stderr


def test_report_renders_a_run_again(tmp_path: Path) -> None:
    from axisctl.hil.report import write_report
    from axisctl.hil.report_data import RunRecord, TestRecord

    write_report(RunRecord(rig_name="bench-1", tests=[TestRecord("t::x", "passed")]), tmp_path)
    (tmp_path / "index.html").unlink()
    done = run_cli(tmp_path, "report", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Report: {tmp_path / 'index.html'}\n"
    assert "HIL run on bench-1" in (tmp_path / "index.html").read_text()
    broken = tmp_path / "broken"
    broken.mkdir()
    done = run_cli(tmp_path, "report", str(broken))
    assert done.returncode == 1
    assert "cannot render" in done.stderr


STOPPABLE = """
import pathlib, time

def test_holds_the_loop(wire_gate_loop):
    wire_gate_loop.activate()
    pathlib.Path("started").write_text("yes")
    time.sleep(120)
"""


def test_sigterm_to_run_reaches_pytest_which_leaves_the_rig_safe(
    tmp_path: Path, scenarios: Path
) -> None:
    (scenarios / "test_site.py").write_text(STOPPABLE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AXISCTL", "PYTEST"))}
    command = [*AXISCTL, "hil", "run", "--rig", "virtual", "--scenarios-dir", str(scenarios)]
    with subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        try:
            for _ in range(600):
                if (tmp_path / "started").exists() or child.poll() is not None:
                    break
                time.sleep(0.1)
            child.send_signal(signal.SIGTERM)
            out, err = child.communicate(timeout=60)
        finally:
            child.kill()
    assert child.returncode == 128 + signal.SIGTERM, out + err
    safety = (tmp_path / "hil-report" / "logs" / "safety.log").read_text()
    assert "made safe (SIGTERM): gate-loop inactive" in safety
    assert "device side gate-camera port 1 (gate-loop) inactive" in safety
    assert "interrupted: test_site.py::test_holds_the_loop" in out
