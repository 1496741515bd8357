"""``axisctl io``, run as a real process against simulated devices."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

from axisctl.sim import Simulator

Run = Callable[..., subprocess.CompletedProcess[str]]
EnvFor = Callable[[str], dict[str, str]]


@pytest.fixture
def timed_sim(msim: Simulator) -> Simulator:
    """A D4200-VE on a manual clock with port 2 as an output."""
    device = msim.devices[0]
    with device.lock:
        device.io.set_ports([{"port": "1", "direction": "output", "name": "Horn"}])
    return msim


@pytest.fixture
def env(timed_sim: Simulator, cli_env_for: EnvFor) -> dict[str, str]:
    return cli_env_for(timed_sim.urls[0])


def test_ports_json_lists_numbers_from_one(
    env: dict[str, str], timed_sim: Simulator, axisctl_cli: Run
) -> None:
    timed_sim.devices[0].io.press(1)
    result = axisctl_cli("io", "ports", "--json", env=env)
    assert result.returncode == 0, result.stderr
    ports = json.loads(result.stdout)
    assert [(p["number"], p["index"]) for p in ports] == [(1, 0), (2, 1)]
    assert ports[0]["state"] == "closed"
    assert ports[0]["active"] is True
    assert ports[1]["name"] == "Horn"
    assert ports[1]["direction"] == "output"


def test_ports_table_from_parameters(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("io", "ports", "--params", env=env)
    assert result.returncode == 0, result.stderr
    assert "Horn" in result.stdout
    assert "output" in result.stdout


def test_set_and_read(env: dict[str, str], timed_sim: Simulator, axisctl_cli: Run) -> None:
    result = axisctl_cli("io", "set", "2", "on", env=env)
    assert result.returncode == 0, result.stderr
    assert "port 2: active" in result.stdout
    assert timed_sim.devices[0].io.output_active(2) is True
    read = axisctl_cli("io", "read", "--json", env=env)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == [
        {"port": 1, "circuit": "open", "active": False},
        {"port": 2, "circuit": "closed", "active": True},
    ]
    assert axisctl_cli("io", "set", "2", "inactive", env=env).returncode == 0
    assert timed_sim.devices[0].io.output_active(2) is False


def test_pulse_is_timed_by_the_device(
    env: dict[str, str], timed_sim: Simulator, axisctl_cli: Run
) -> None:
    result = axisctl_cli(
        "io", "pulse", "2", "--ms", "300", "--count", "2", "--gap-ms", "500", env=env
    )
    assert result.returncode == 0, result.stderr
    io = timed_sim.devices[0].io
    assert io.output_active(2) is True
    timed_sim.clock.advance(0.3)
    assert io.output_active(2) is False
    timed_sim.clock.advance(0.5)
    assert io.output_active(2) is True


def test_sequence_and_the_ongoing_error(
    env: dict[str, str], timed_sim: Simulator, axisctl_cli: Run
) -> None:
    result = axisctl_cli("io", "sequence", "2", "closed:1000", "open:0", env=env)
    assert result.returncode == 0, result.stderr
    assert timed_sim.devices[0].io.circuit(2) == "closed"
    again = axisctl_cli("io", "sequence", "2", "open:0", env=env)
    assert again.returncode == 6
    assert "2200" in again.stderr
    assert "Traceback" not in again.stderr
    timed_sim.clock.advance(1)
    assert timed_sim.devices[0].io.circuit(2) == "open"


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("io", "set", "1", "on"), 6, "input"),
        (("io", "set", "0", "on"), 2, "numbered from 1"),
        (("io", "set", "2", "maybe"), 2, "maybe"),
        (("io", "set", "relay9", "on"), 2, "1 to 8"),
        (("io", "pulse", "2", "--ms", "0"), 2, "--ms"),
        (("io", "pulse", "2"), 2, "--ms"),
        (("io", "sequence", "2", "ajar:100"), 2, "STATE:MS"),
        (("io", "sequence", "2", "open:70000"), 2, "STATE:MS"),
        (("io", "read", "7"), 6, "Invalid port 7"),
    ],
)
def test_bad_input_gives_one_line_and_a_distinct_exit_code(
    env: dict[str, str],
    timed_sim: Simulator,
    args: tuple[str, ...],
    code: int,
    fragment: str,
    axisctl_cli: Run,
) -> None:
    result = axisctl_cli(*args, env=env)
    assert result.returncode == code, result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert timed_sim.devices[0].io.output_active(2) is False


def test_relay_names_address_the_relay_module(axisctl_cli: Run, cli_env_for: EnvFor) -> None:
    with Simulator("a9188") as sim:
        result = axisctl_cli("io", "set", "relay3", "on", env=cli_env_for(sim.urls[0]))
        assert result.returncode == 0, result.stderr
        assert "port 11: active" in result.stdout
        assert sim.devices[0].io.output_active(11) is True
        read = axisctl_cli("io", "read", "input8", "relay3", "--json", env=cli_env_for(sim.urls[0]))
    assert [entry["port"] for entry in json.loads(read.stdout)] == [8, 11]


def test_help_shows_examples(axisctl_cli: Run) -> None:
    result = axisctl_cli("io", "--help")
    assert result.returncode == 0
    assert "axisctl io pulse 2 --ms 300" in result.stdout
    assert "ports 9-16" in result.stdout
