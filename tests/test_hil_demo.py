"""``axisctl demo`` as a real process: the story on the virtual rig, its output, Ctrl-C.

Each run starts the bundled virtual rig (simulators, mock GPIO lines, an OSDP pty)
and plays the whole story, so these tests take the story's length each.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]

AXISCTL = [sys.executable, "-m", "axisctl"]

#: The shortest story the demo accepts, to keep the tests short.
DURATION = 15.0
#: What the story's deadline may be overstepped by: the time to record a line after it.
SLACK = 0.25
#: A story line: seconds since the story began, then the text.
STORY_LINE = re.compile(r"^ *(\d+\.\d\d)  (.*)$")


def story_lines(stdout: str) -> list[tuple[float, str]]:
    return [
        (float(match.group(1)), match.group(2))
        for match in map(STORY_LINE.match, stdout.splitlines())
        if match is not None
    ]


def environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AXISCTL_")}


@pytest.fixture(scope="module")
def piped_run() -> str:
    """One whole demo with stdout a pipe and no ``--non-interactive``: plain mode by itself."""
    result = subprocess.run(
        [*AXISCTL, "demo", "--duration", f"{DURATION:g}"],
        capture_output=True,
        text=True,
        env=environ(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_every_step_of_the_story_happens_and_the_summary_says_so(piped_run: str) -> None:
    summary = piped_run[piped_run.index("Summary:") :]
    assert "Summary: 5 of 5 steps as expected" in summary
    assert summary.count(": as expected") == 5
    assert "FAIL" not in summary
    assert "All 5 steps happened as expected." in summary
    # Measured on the bench timeline, from the act to the far end of the wiring.
    for latency in (
        "plate shown -> read pushed",
        "plate shown -> barrier open",
        "plate shown -> strobe light",
        "card -> door relay",
        "door open (set to 2 s) 2.0",
        "card -> access denied event",
    ):
        assert latency in summary


def test_the_log_tells_what_the_wiring_and_the_devices_did(piped_run: str) -> None:
    told = [text for _, text in story_lines(piped_run)]
    in_order = [
        "The delivery van, ABC123, drives up to the gate",
        "gate camera pushes ABC123: on the Allow list",
        "barrier opens (relay module relay 1)",
        "barrier closes",
        "An unknown car, QRS456, drives up to the gate",
        "gate camera pushes QRS456: on no list",
        "strobe light on (light sensor)",
        "The guard acknowledges the alarm",
        "Gordon Freeman badges in on the Wiegand reader",
        "intercom grants access to Gordon Freeman",
        "door relay closes: the door is open",
        "door relay opens: the door is locked",
        "intercom grants access to Alyx Vance",
        "intercom shows green on the reader's LED",
        "intercom denies the card: not on the entry list",
        "intercom shows red on the reader's LED",
        "The story ends",
    ]
    positions = [told.index(text) for text in in_order]
    steps = [positions[0], positions[4], positions[8], positions[12], positions[14]]
    assert steps == sorted(steps), told
    # The barrier opens for the known van only, the door for the two holders only.
    assert told.count("barrier opens (relay module relay 1)") == 1
    assert told.count("door relay closes: the door is open") == 2


def test_the_story_fits_its_duration_and_keeps_its_pace(piped_run: str) -> None:
    lines = story_lines(piped_run)
    times = [when for when, _ in lines]
    assert times, piped_run
    assert times == sorted(times)
    assert times[0] >= 0.0
    # Every wait of the last step ends at the story's deadline; the last line follows it
    # by the moment it takes to be written.
    assert times[-1] <= DURATION + SLACK
    # One slot per step: step N starts no earlier than (N - 1) * duration / 5.
    for when, text in lines:
        step = re.match(r"Step (\d)/5: ", text)
        if step is not None:
            assert when >= (int(step.group(1)) - 1) * DURATION / 5 - 0.01
    took = re.search(r"the story took ([\d.]+) s of 15 s", piped_run)
    assert took is not None
    assert float(took.group(1)) <= DURATION + SLACK


def test_piped_output_is_plain_text(piped_run: str) -> None:
    assert "\x1b" not in piped_run  # no colours, no cursor movement
    assert not set("╭╮╰╯│─┏┃") & set(piped_run)  # no panels or tables
    assert piped_run.rstrip().endswith("readers, event streams and simulators stopped.")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_stops_the_demo_at_once_and_leaves_the_bench_safe(stop: signal.Signals) -> None:
    # Its own session, so that whatever it might have started (it starts no broker, but a
    # later version might) can be found by process group afterwards.
    process = subprocess.Popen(
        [*AXISCTL, "demo", "--non-interactive", "--duration", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ(),
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        seen = []
        for line in process.stdout:
            seen.append(line)
            if "barrier opens" in line:
                break
        else:
            pytest.fail("the story never got to the barrier:\n" + "".join(seen))
        process.send_signal(stop)
        rest, errors = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, errors
    assert "Traceback" not in errors
    tail = rest.splitlines()
    assert "Interrupted." in tail
    assert tail[-1] == (
        "The bench is safe: all 7 Pi outputs at their safe level; "
        "readers, event streams and simulators stopped."
    )
    assert "Summary:" not in rest
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing the demo started is left running


def test_duration_below_the_shortest_story_is_refused(axisctl_cli: Run) -> None:
    result = axisctl_cli("demo", "--duration", "3")
    assert result.returncode == 2
    assert "--duration" in result.stderr
