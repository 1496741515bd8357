"""``axisctl events watch`` as a real process against the simulator."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable

import pytest

from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.bus import TOPIC_INPUT_PORT, TOPIC_VIRTUAL_INPUT

Run = Callable[..., subprocess.CompletedProcess[str]]
EnvFor = Callable[[str], dict[str, str]]


def test_json_lines_for_count_events(
    sim: Simulator, simulated: SimulatedDevice, axisctl_cli: Run, cli_env_for: EnvFor
) -> None:
    simulated.io.press(2)
    result = axisctl_cli(
        "events", "watch", "--topic", TOPIC_INPUT_PORT, "--json", "--count", "2",
        env=cli_env_for(sim.urls[0]),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    events = [json.loads(line) for line in lines]
    assert sorted((e["source"]["port"], e["data"]["state"]) for e in events) == [
        ("0", "0"),
        ("1", "1"),
    ]
    for event in events:
        assert event["topic"] == TOPIC_INPUT_PORT
        assert event["type"] == "InputPortEvent"
        assert event["key"] == {}
        assert isinstance(event["timestamp"], int)
        assert event["time"].endswith("Z")


def test_content_filter_and_readable_lines(
    sim: Simulator, simulated: SimulatedDevice, axisctl_cli: Run, cli_env_for: EnvFor
) -> None:
    simulated.virtual_inputs.activate(3)
    simulated.virtual_inputs.activate(4)
    content = 'boolean(//SimpleItem[@Name="port" and @Value="4"])'
    result = axisctl_cli(
        "events", "watch", "--topic", TOPIC_VIRTUAL_INPUT, "--content", content, "--count", "1",
        env=cli_env_for(sim.urls[0]),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.endswith(f"  {TOPIC_VIRTUAL_INPUT}  port=4  active=1")


def test_timeout_before_count_exits_1(
    sim: Simulator, axisctl_cli: Run, cli_env_for: EnvFor
) -> None:
    started = time.monotonic()
    result = axisctl_cli(
        "events", "watch", "--topic", TOPIC_VIRTUAL_INPUT, "--count", "1", "--timeout", "0.3",
        env=cli_env_for(sim.urls[0]),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == ""
    assert "0 of 1 events" in result.stderr
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("option", "value"),
    [("--topic", "not a topic"), ("--content", "port=1")],
)
def test_bad_filters_are_usage_errors(
    sim: Simulator, axisctl_cli: Run, cli_env_for: EnvFor, option: str, value: str
) -> None:
    result = axisctl_cli("events", "watch", option, value, env=cli_env_for(sim.urls[0]))
    assert result.returncode == 2
    assert option in result.stderr


def test_wrong_password_exits_4(sim: Simulator, axisctl_cli: Run, cli_env_for: EnvFor) -> None:
    env = {**cli_env_for(sim.urls[0]), "AXISCTL_PASSWORD": "wrong"}
    result = axisctl_cli("events", "watch", "--count", "1", env=env)
    assert result.returncode == 4
    assert "Traceback" not in result.stderr


def test_ctrl_c_exits_130_cleanly(
    sim: Simulator,
    simulated: SimulatedDevice,
    axisctl_command: list[str],
    cli_environ: Callable[[dict[str, str] | None], dict[str, str]],
    cli_env_for: EnvFor,
) -> None:
    process = subprocess.Popen(
        [*axisctl_command, "events", "watch", "--topic", TOPIC_VIRTUAL_INPUT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_environ(cli_env_for(sim.urls[0])),
    )
    try:
        simulated.virtual_inputs.activate(1)  # before or after it subscribes: it sees port 1
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "port=1  active=1" in first
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
