"""``axisctl siren``, run as a real process against simulated strobe speakers."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from axisctl.apis.sirenlight import PATH
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.sirenlight import SirenLight

Run = Callable[..., subprocess.CompletedProcess[str]]
EnvFor = Callable[[str], dict[str, str]]
Siren = Run
Ok = Callable[..., str]


@pytest.fixture
def siren(axisctl_cli: Run, cli_env_for: EnvFor) -> Siren:
    """``siren(url, *args)``: ``axisctl siren *args`` against the device at ``url``, as root."""

    def run_siren(url: str, *args: str) -> subprocess.CompletedProcess[str]:
        return axisctl_cli("siren", *args, env=cli_env_for(url))

    return run_siren


@pytest.fixture
def ok(siren: Siren) -> Ok:
    """``ok(url, *args)``: ``siren(url, *args)``, which must succeed; what it printed."""

    def succeed(url: str, *args: str) -> str:
        result = siren(url, *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    return succeed


def service(simulated: SimulatedDevice) -> SirenLight:
    assert simulated.siren_light is not None
    return simulated.siren_light


@pytest.fixture
def url(sim: Simulator) -> str:
    return sim.urls[0]


@pytest.fixture
def strobe(url: str, simulated: SimulatedDevice) -> str:
    """The device's URL, out of maintenance mode so that activities show."""
    with simulated.lock:
        service(simulated).set_maintenance(False)
    return url


INTRUDER_OPTIONS = (
    "--light",
    "Alternate",
    "--color",
    "red",
    "--color",
    "blue",
    "--siren",
    "Alarm: Horror",
    "--priority",
    "5",
    "--duration",
    "30s",
)


def test_help_teaches_with_examples(axisctl_cli: Run) -> None:
    group = axisctl_cli("siren", "--help")
    assert group.returncode == 0
    assert "axisctl siren start Intruder" in group.stdout
    assert "maintenance" in group.stdout
    add = axisctl_cli("siren", "add", "--help")
    assert "--from-json" in add.stdout
    assert 'axisctl siren add Doorbell --siren "Notification: Entry"' in add.stdout


def test_add_then_list_as_json(url: str, simulated: SimulatedDevice, ok: Ok) -> None:
    ok(url, "add", "Intruder", "--description", "Night intruder", *INTRUDER_OPTIONS)
    listed = json.loads(ok(url, "profiles", "--json"))
    assert len(listed) == 1
    profile = listed[0]
    assert profile["name"] == "Intruder"
    assert profile["description"] == "Night intruder"
    assert profile["light"]["colors"] == ["red", "blue"]
    assert profile["light"]["duration"] == {"unit": "seconds", "value": 30}
    assert profile["siren"]["pattern"] == "Alarm: Horror"
    assert profile["siren"]["priority"] == 5
    assert "Intruder" in service(simulated).profiles


def test_the_profile_table_shows_settings_for_people(url: str, ok: Ok) -> None:
    ok(url, "add", "Intruder", *INTRUDER_OPTIONS)
    table = ok(url, "profiles")
    assert "1 of 30 profiles" in table
    assert "Alternate, red/blue" in table
    assert "Alarm: Horror" in table


def test_a_bad_pattern_is_refused_with_the_allowed_ones(
    url: str, simulated: SimulatedDevice, siren: Siren
) -> None:
    result = siren(url, "add", "Bad", "--siren", "Alarm Horror")
    assert result.returncode == 9, result.stderr
    assert "siren pattern 'Alarm Horror' is not supported" in result.stderr
    assert "did you mean 'Alarm: Horror'?" in result.stderr
    assert "Siren: Home soft" in result.stderr
    assert "Traceback" not in result.stderr
    assert service(simulated).profiles == {}


def test_without_validation_the_device_answers_with_its_code(url: str, siren: Siren) -> None:
    result = siren(url, "add", "Bad", "--light", "Strobe", "--no-validate")
    assert result.returncode == 6, result.stderr
    assert "error 2201" in result.stderr


def test_settings_without_a_pattern_are_a_usage_error(url: str, siren: Siren) -> None:
    result = siren(url, "add", "Bad", "--color", "red")
    assert result.returncode == 2
    assert "--light PATTERN" in result.stderr


def test_a_bad_duration_says_how_to_write_one(url: str, siren: Siren) -> None:
    result = siren(url, "add", "Bad", "--light", "Pulse", "--duration", "soon")
    assert result.returncode == 2
    assert "30s, 5m, 2h, 3x or continuous" in result.stderr


def test_start_status_stop(strobe: str, ok: Ok) -> None:
    ok(strobe, "add", "Intruder", *INTRUDER_OPTIONS)
    started = json.loads(ok(strobe, "start", "Intruder", "--json"))
    status = json.loads(ok(strobe, "status", "--json"))
    assert [a["id"] for a in status["lights"]] == [started["light_id"]]
    assert status["light_showing"] == started["light_id"]
    assert status["lights"][0]["profile"] == "Intruder"
    table = ok(strobe, "status")
    assert "Intruder" in table
    assert "red/blue" in table
    ok(strobe, "stop", "Intruder")
    assert "idle" in ok(strobe, "status")


def test_an_ad_hoc_light_stops_by_id(strobe: str, siren: Siren, ok: Ok) -> None:
    started = json.loads(
        ok(
            strobe,
            "start",
            "--light",
            "Steady",
            "--color",
            "green",
            "--light-priority",
            "1",
            "--json",
        )
    )
    assert started["siren_id"] is None
    ok(strobe, "stop", "--light-id", str(started["light_id"]))
    gone = siren(strobe, "stop", "--light-id", str(started["light_id"]))
    assert gone.returncode == 6
    assert "error 1203" in gone.stderr


def test_stop_needs_exactly_one_target(url: str, siren: Siren) -> None:
    result = siren(url, "stop")
    assert result.returncode == 2
    assert "exactly one of PROFILE" in result.stderr
    assert siren(url, "stop", "Intruder", "--all").returncode == 2


def test_stop_all_keeps_maintenance_mode(url: str, simulated: SimulatedDevice, ok: Ok) -> None:
    ok(url, "start", "--light", "Pulse", "--light-priority", "10")
    ok(url, "stop", "--all")
    with simulated.lock:
        assert service(simulated).maintenance


def test_maintenance_on_and_off(
    strobe: str, simulated: SimulatedDevice, siren: Siren, ok: Ok
) -> None:
    assert "maintenance mode on for 7200 s" in ok(strobe, "maintenance", "on", "--duration", "2h")
    status = json.loads(ok(strobe, "status", "--json"))
    assert [a["priority"] for a in status["lights"]] == [11]
    ok(strobe, "maintenance", "off")
    with simulated.lock:
        assert not service(simulated).maintenance
    assert siren(strobe, "maintenance", "off", "--duration", "5m").returncode == 2


def test_capabilities_as_json_and_table(url: str, ok: Ok) -> None:
    caps = json.loads(ok(url, "capabilities", "--json"))
    assert caps["poe_class"] == "4"
    assert len(caps["light_patterns"]) == 19
    assert len(caps["siren_patterns"]) == 29
    table = ok(url, "capabilities")
    assert "PoE class 4" in table
    assert "Escalate 3 steps" in table


# --- export and import ------------------------------------------------------------------


@pytest.fixture
def two() -> Iterator[Simulator]:
    with Simulator("d4200-ve", count=2) as simulator:
        yield simulator


def test_export_and_import_between_devices(two: Simulator, tmp_path: Path, ok: Ok) -> None:
    source, target = two.urls
    ok(source, "add", "Intruder", *INTRUDER_OPTIONS)
    ok(source, "add", "Doorbell", "--siren", "Notification: Entry", "--siren-duration", "2x")
    ok(source, "add", "Night", "--light", "Steady", "--color", "amber")
    ok(target, "add", "Old", "--light", "Pulse")
    path = tmp_path / "profiles.json"
    assert "exported 2 profiles" in ok(source, "export", str(path), "Intruder", "Doorbell")
    assert [p["name"] for p in json.loads(path.read_text())] == ["Intruder", "Doorbell"]
    assert "imported 2 profiles" in ok(target, "import", str(path), "--mode", "erase_and_add")
    exported = json.loads(ok(source, "profiles", "--json"))
    imported = json.loads(ok(target, "profiles", "--json"))
    assert imported == [p for p in exported if p["name"] != "Night"]


def test_import_add_refuses_a_taken_name(
    two: Simulator, tmp_path: Path, siren: Siren, ok: Ok
) -> None:
    source, target = two.urls
    ok(source, "add", "Intruder", *INTRUDER_OPTIONS)
    ok(target, "add", "Intruder", "--light", "Pulse")
    path = tmp_path / "profiles.json"
    ok(source, "export", str(path))
    result = siren(target, "import", str(path))
    assert result.returncode == 6
    assert "profiles already on the device: 'Intruder'" in result.stderr
    assert "overwrite" in result.stderr
    ok(target, "import", str(path), "--mode", "overwrite")
    assert json.loads(ok(target, "profiles", "--json")) == json.loads(
        ok(source, "profiles", "--json")
    )


def test_export_to_standard_output(url: str, ok: Ok) -> None:
    ok(url, "add", "Intruder", *INTRUDER_OPTIONS)
    assert [p["name"] for p in json.loads(ok(url, "export", "-"))] == ["Intruder"]


def test_export_of_an_unknown_name_lists_what_there_is(
    url: str, tmp_path: Path, siren: Siren, ok: Ok
) -> None:
    ok(url, "add", "Intruder", *INTRUDER_OPTIONS)
    result = siren(url, "export", str(tmp_path / "x.json"), "Nobody")
    assert result.returncode == 9
    assert "no profile named 'Nobody' on the device; it has: 'Intruder'" in result.stderr
    assert not (tmp_path / "x.json").exists()


def _write(path: Path, profiles: Any) -> Path:
    path.write_text(json.dumps(profiles), encoding="utf-8")
    return path


def test_a_bad_file_is_refused_before_anything_is_sent(
    url: str, simulated: SimulatedDevice, tmp_path: Path, siren: Siren
) -> None:
    path = _write(
        tmp_path / "bad.json",
        [{"name": "Fine", "light": {"pattern": "Pulse"}}, {"name": "Broken", "light": {}}],
    )
    result = siren(url, "import", str(path))
    assert result.returncode == 9
    assert "profile 1 ('Broken'): profile.light.pattern is missing" in result.stderr
    assert simulated.request_count(PATH) == 0


def test_import_checks_profiles_against_the_device(
    url: str, simulated: SimulatedDevice, tmp_path: Path, siren: Siren
) -> None:
    path = _write(
        tmp_path / "loud.json",
        [
            {"name": "Fine", "light": {"pattern": "Pulse"}},
            {"name": "Loud", "siren": {"pattern": "Alarm: Horror", "intensity": 9}},
        ],
    )
    result = siren(url, "import", str(path))
    assert result.returncode == 9
    assert "profiles[1] 'Loud': siren intensity 9 is not allowed" in result.stderr
    assert "allowed: 1, 2, 3, 4, 5" in result.stderr
    assert service(simulated).profiles == {}


def test_add_from_a_json_file(url: str, tmp_path: Path, siren: Siren, ok: Ok) -> None:
    path = _write(tmp_path / "one.json", {"name": "Door", "siren": {"pattern": "Alarm: Bird"}})
    assert "added Door" in ok(url, "add", "--from-json", str(path))
    assert siren(url, "add", "Other", "--from-json", str(path)).returncode == 2


# --- health check -----------------------------------------------------------------------


def test_health_last_on_a_new_device(url: str, ok: Ok) -> None:
    assert json.loads(ok(url, "health", "--last", "--json")) is None
    assert "no health check has run" in ok(url, "health", "--last")


@pytest.fixture
def run_while_advancing(
    msim: Simulator,
    axisctl_command: list[str],
    cli_environ: Callable[[dict[str, str] | None], dict[str, str]],
    cli_env_for: EnvFor,
) -> Callable[..., tuple[int, str, str]]:
    """``axisctl siren *args`` against ``msim``, its clock moving a second every 0.2 s."""

    def run(*args: str) -> tuple[int, str, str]:
        process = subprocess.Popen(
            [*axisctl_command, "siren", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_environ(cli_env_for(msim.urls[0])),
        )
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            msim.clock.advance(1)
        stdout, stderr = process.communicate(timeout=30)
        return process.returncode, stdout, stderr

    return run


def test_health_runs_and_waits_for_the_result(
    tmp_path: Path, msim: Simulator, run_while_advancing: Callable[..., tuple[int, str, str]]
) -> None:
    service(msim.devices[0]).health_faults = [(102, "Siren is not working optimal")]
    code, stdout, stderr = run_while_advancing("health", "--json")
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["passed"] is False
    assert result["errors"] == [{"code": 102, "message": "Siren is not working optimal"}]
    assert result["timestamp"].endswith("+00:00")
    code, stdout, stderr = run_while_advancing("health")
    assert code == 0, stderr
    assert "1 problem(s)" in stdout
    assert "Siren is not working optimal" in stdout


def test_health_gives_up_after_the_timeout(msim: Simulator, siren: Siren) -> None:
    # The clock never moves, so the check never ends.
    result = siren(msim.urls[0], "health", "--timeout", "1")
    assert result.returncode == 10
    assert "did not finish within 1 s" in result.stderr
