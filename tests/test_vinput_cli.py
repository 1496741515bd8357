"""``axisctl vinput``, run as a real process against a simulated strobe speaker."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

from axisctl.sim import Level, Simulator

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def env(sim: Simulator, cli_env_for: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return cli_env_for(sim.urls[0])


def test_activate_says_whether_the_state_changed(
    env: dict[str, str], sim: Simulator, axisctl_cli: Run
) -> None:
    first = axisctl_cli("vinput", "activate", "1", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "virtual input 1: now active"
    assert sim.devices[0].virtual_inputs.is_active(1)

    second = axisctl_cli("vinput", "activate", "1", env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "virtual input 1: already active, unchanged"


def test_deactivate_says_whether_the_state_changed(
    env: dict[str, str], sim: Simulator, axisctl_cli: Run
) -> None:
    sim.devices[0].virtual_inputs.activate(2)
    first = axisctl_cli("vinput", "deactivate", "2", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "virtual input 2: now inactive"
    assert not sim.devices[0].virtual_inputs.is_active(2)
    second = axisctl_cli("vinput", "deactivate", "2", "--json", env=env)
    assert json.loads(second.stdout) == {"port": 2, "action": "deactivate", "changed": False}


def test_activate_with_duration_json(env: dict[str, str], sim: Simulator, axisctl_cli: Run) -> None:
    result = axisctl_cli("vinput", "activate", "3", "--duration", "600", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "port": 3,
        "action": "activate",
        "changed": True,
        "duration": 600,
    }
    vi = sim.devices[0].virtual_inputs
    assert vi.is_active(3)
    deadline = vi.deactivates_at(3)
    assert deadline is not None
    assert deadline - sim.clock.now() > 500


def test_duration_zero_pulses(env: dict[str, str], sim: Simulator, axisctl_cli: Run) -> None:
    result = axisctl_cli("vinput", "activate", "4", "--duration", "0", env=env)
    assert result.returncode == 0, result.stderr
    assert "pulsed" in result.stdout
    assert not sim.devices[0].virtual_inputs.is_active(4)


def test_versions(env: dict[str, str], axisctl_cli: Run) -> None:
    as_json = axisctl_cli("vinput", "versions", "--json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == [{"major": 1, "minor": 1, "deprecated": False}]
    table = axisctl_cli("vinput", "versions", env=env)
    assert table.returncode == 0, table.stderr
    assert "1.1" in table.stdout


def test_port_the_device_lacks_is_a_device_error(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("vinput", "activate", "65", env=env)
    assert result.returncode == 6, result.stderr
    assert "error 20" in result.stderr
    assert "does not exist" in result.stderr
    assert "port 65" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("vinput", "activate", "0"),
        ("vinput", "activate", "one"),
        ("vinput", "activate", "1", "--duration", "-5"),
        ("vinput", "deactivate"),
    ],
)
def test_bad_arguments_are_usage_errors(
    env: dict[str, str], sim: Simulator, args: tuple[str, ...], axisctl_cli: Run
) -> None:
    result = axisctl_cli(*args, env=env)
    assert result.returncode == 2, result.stderr
    assert sim.devices[0].request_count() == 0


def test_viewer_gets_the_forbidden_exit_code(
    env: dict[str, str], sim: Simulator, axisctl_cli: Run
) -> None:
    sim.devices[0].add_account("vera", "vera-pw", Level.VIEWER)
    result = axisctl_cli(
        "vinput",
        "activate",
        "1",
        env={**env, "AXISCTL_USER": "vera", "AXISCTL_PASSWORD": "vera-pw"},
    )
    assert result.returncode == 5, result.stderr
    assert "too low" in result.stderr
    assert not sim.devices[0].virtual_inputs.is_active(1)


def test_help_shows_examples(axisctl_cli: Run) -> None:
    group = axisctl_cli("vinput", "--help")
    assert group.returncode == 0
    assert "axisctl vinput activate 1 --duration 30" in group.stdout
    for command in ("activate", "deactivate", "versions"):
        assert command in group.stdout
    activate = axisctl_cli("vinput", "activate", "--help")
    assert "--duration SECONDS" in activate.stdout
    assert "axisctl vinput activate 3 --duration 10 --json" in activate.stdout
