"""``axisctl lpr lists|push|settings|events``, run as a real process against the gate camera."""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.lpr.state import LprState, StoredEvent

Run = Callable[..., subprocess.CompletedProcess[str]]
SECRET = "receiver-secret-7"


@pytest.fixture
def env(gate_sim: Simulator, cli_env_for: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return cli_env_for(gate_sim.urls[0])


def state_of(camera: SimulatedDevice) -> LprState:
    assert camera.lpr is not None
    with camera.lock:
        return copy.deepcopy(camera.lpr.state)


def test_help_shows_the_commands_and_examples(axisctl_cli: Run) -> None:
    result = axisctl_cli("lpr", "lists", "--help")
    assert result.returncode == 0
    for command in ("show", "add", "remove", "import", "export", "rename", "mode", "schedule"):
        assert command in result.stdout
    assert "axisctl lpr lists import allow vehicles.csv" in result.stdout
    assert "AXIS123,2022-06-08,John Smith" in result.stdout
    for group in (("push", "set"), ("settings", "set"), ("events",)):
        assert axisctl_cli("lpr", *group, "--help").returncode == 0


def test_import_with_bad_lines_reports_each_and_imports_nothing(
    env: dict[str, str], gate_camera: SimulatedDevice, axisctl_cli: Run, tmp_path: Path
) -> None:
    csv_file = tmp_path / "vehicles.csv"
    csv_file.write_text(
        "license plate,date,description\nAXIS123\nAXIS124,2022-13-01,x\nAXIS125,,John,Smith\n"
    )
    result = axisctl_cli("lpr", "lists", "import", "allow", str(csv_file), env=env)
    assert result.returncode == 9
    assert f"{csv_file}:3: date '2022-13-01' is not a date in the form YYYY-MM-DD" in result.stderr
    assert "    AXIS124,2022-13-01,x" in result.stderr
    assert f"{csv_file}:4: 4 fields; expected at most 3" in result.stderr
    assert f"2 bad lines in {csv_file}; nothing imported" in result.stderr
    assert state_of(gate_camera).lists["allow"].entries == {}

    result = axisctl_cli(
        "lpr", "lists", "import", "allow", str(csv_file), "--skip-bad-lines", env=env
    )
    assert result.returncode == 0, result.stderr
    assert "Imported 1 plates to the allow list; skipped 2 bad lines" in result.stdout
    assert f"skipped {csv_file}:3:" in result.stderr
    assert list(state_of(gate_camera).lists["allow"].entries) == ["AXIS123"]


def test_lists_add_show_export_import_and_remove(
    env: dict[str, str], gate_camera: SimulatedDevice, axisctl_cli: Run, tmp_path: Path
) -> None:
    added = axisctl_cli(
        "lpr", "lists", "add", "block", "M SR1669", "--date", "2023-09-29",
        "--description", "Stolen, red", env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    shown = axisctl_cli("lpr", "lists", "show", "block", "--json", env=env)
    document = json.loads(shown.stdout)
    assert (document["key"], document["name"], document["mode"]) == ("block", "Block list", "block")
    assert document["plates"] == [
        {"plate": "M SR1669", "date": "2023-09-29", "description": "Stolen, red"}
    ]
    exported = axisctl_cli("lpr", "lists", "export", "block", "-", env=env)
    assert exported.stdout == 'M SR1669,2023-09-29,"Stolen, red"\n'
    target = tmp_path / "block.csv"
    assert axisctl_cli("lpr", "lists", "export", "block", str(target), env=env).returncode == 0
    assert target.read_text() == exported.stdout
    imported = axisctl_cli("lpr", "lists", "import", "custom", str(target), env=env)
    assert imported.returncode == 0, imported.stderr
    custom = state_of(gate_camera).lists["custom"].entries["M SR1669"]
    assert custom.description == "Stolen, red"

    assert axisctl_cli("lpr", "lists", "remove", "block", "M SR1669", env=env).returncode == 0
    missing = axisctl_cli("lpr", "lists", "remove", "block", "M SR1669", env=env)
    assert missing.returncode == 6
    assert "plate 'M SR1669' is not on Block list" in missing.stderr
    table = axisctl_cli("lpr", "lists", "show", env=env)
    assert "Custom list" in table.stdout
    assert "always" in table.stdout


def test_lists_rename_mode_and_schedule(
    env: dict[str, str], gate_camera: SimulatedDevice, axisctl_cli: Run
) -> None:
    assert axisctl_cli("lpr", "lists", "rename", "allow", "Residents", env=env).returncode == 0
    assert axisctl_cli("lpr", "lists", "mode", "custom", "block", env=env).returncode == 0
    scheduled = axisctl_cli(
        "lpr", "lists", "schedule", "allow", "--from", "07:00", "--to", "18:00",
        "--days", "Mon-Fri", env=env,
    )  # fmt: skip
    assert scheduled.returncode == 0, scheduled.stderr
    assert "Residents (allow) applies Mon-Fri 07:00-18:00" in scheduled.stdout
    lists = state_of(gate_camera).lists
    assert lists["allow"].name == "Residents"
    assert lists["custom"].mode == "block"
    window = lists["allow"].schedules[0]
    assert (window.enabled, window.start_minute, window.end_minute) == (True, 420, 1080)
    assert window.days == frozenset({"Mon", "Tue", "Wed", "Thu", "Fri"})
    bad = axisctl_cli("lpr", "lists", "schedule", "allow", "--from", "7", "--to", "8", env=env)
    assert bad.returncode == 2
    assert "'7' is not HH:MM" in bad.stderr


def test_push_set_takes_secrets_from_the_environment_and_never_shows_them(
    env: dict[str, str], gate_camera: SimulatedDevice, axisctl_cli: Run
) -> None:
    result = axisctl_cli(
        "lpr", "push", "set", "--profile", "2", "--url", "192.168.0.10:8080", "--enable",
        "--events", "new,lost", "--json-body", "--no-images", "--user", "cam1",
        "--password-env", "RECEIVER_PW", "--auth-key-env", "RECEIVER_KEY", "--http-auth",
        "digest",
        env={**env, "RECEIVER_PW": SECRET, "RECEIVER_KEY": SECRET + "-key"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    profile = state_of(gate_camera).profiles[2]
    assert (profile.url, profile.enable, profile.event_update, profile.use_multipart) == (
        "192.168.0.10:8080",
        True,
        False,
        False,
    )
    assert (profile.password, profile.x_auth_key, profile.http_auth_type) == (
        SECRET,
        SECRET + "-key",
        1,
    )
    shown = axisctl_cli("lpr", "push", "show", "--profile", "2", "--json", env=env)
    document = json.loads(shown.stdout)
    assert document["events"] == ["new", "lost"]
    assert (document["sendImages"], document["multipart"]) == (False, False)
    table = axisctl_cli("lpr", "push", "show", "--profile", "2", env=env)
    for output in (result, shown, table):
        assert SECRET not in output.stdout + output.stderr
    # Changing one setting keeps the password.
    assert axisctl_cli("lpr", "push", "set", "--profile", "2", "--disable", env=env).returncode == 0
    assert state_of(gate_camera).profiles[2].password == SECRET


def test_push_set_refusals(env: dict[str, str], axisctl_cli: Run) -> None:
    unset = axisctl_cli("lpr", "push", "set", "--password-env", "NOT_SET_ANYWHERE", env=env)
    assert unset.returncode == 2
    assert "NOT_SET_ANYWHERE: that environment variable is not set" in unset.stderr
    bad = axisctl_cli("lpr", "push", "set", "--protocol", "tcp", "--url", "host-only", env=env)
    assert bad.returncode == 9
    assert "is not host:port" in bad.stderr
    assert axisctl_cli("lpr", "push", "set", env=env).returncode == 2


def test_settings_set_and_show(
    env: dict[str, str], gate_camera: SimulatedDevice, axisctl_cli: Run
) -> None:
    result = axisctl_cli(
        "lpr", "settings", "set", "--min-chars", "4", "--strict", "--access", "io",
        "--barrier", "open_from_lists", "--lists", "allow,custom", "--direction", "in",
        "--pulse-ms", "2000", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    state = state_of(gate_camera)
    assert (state.detection.min_chars, state.detection.strict_matching) == (4, True)
    assert state.access.barrier_lists == frozenset({"allow", "custom"})
    shown = json.loads(axisctl_cli("lpr", "settings", "show", "--json", env=env).stdout)
    assert shown["barrier"]["lists"] == ["allow", "custom"]
    assert shown["barrier"]["ioPort"] == 2
    refused = axisctl_cli("lpr", "settings", "set", "--io-port", "1", env=env)
    assert refused.returncode == 6
    assert "not an output port of this camera (outputs: 2)" in refused.stderr


def test_events_search_and_statistics(
    env: dict[str, str], gate_camera: SimulatedDevice, axisctl_cli: Run
) -> None:
    assert gate_camera.lpr is not None
    with gate_camera.lock:
        now = int(gate_camera.clock.wall() * 1_000_000)
        gate_camera.lpr.state.events.extend(
            [
                StoredEvent(7, "ABC123", "SWE", "", "in", 1, 0.9, now - 7_200_000_000, "allow"),
                StoredEvent(8, "TÖL123", "DEU", "", "out", 2, 0.8, now - 60_000_000),
            ]
        )
    recent = axisctl_cli("lpr", "events", "--since", "1h", "--json", env=env)
    assert recent.returncode == 0, recent.stderr
    events = json.loads(recent.stdout)["events"]
    assert [(e["carId"], e["plate"], e["direction"]) for e in events] == [(8, "TÖL123", "out")]
    table = axisctl_cli("lpr", "events", "--list", "allow", env=env)
    assert "ABC123" in table.stdout
    assert "Allow list" in table.stdout
    stats = json.loads(axisctl_cli("lpr", "events", "--stats", "--json", env=env).stdout)
    assert stats["total"] == 2
    assert stats["direction"] == {"in": 1, "out": 1, "unknown": 0}
    bad = axisctl_cli("lpr", "events", "--since", "last week", env=env)
    assert bad.returncode == 2
    assert "is not an ISO time" in bad.stderr
