"""``axisctl hil check`` as a process: the table, ``--json``, and the exit status."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from axisctl.hil.rig import virtual_rig
from axisctl.sim import Simulator

Run = Callable[..., subprocess.CompletedProcess[str]]
PASSWORD = "cli-check-password-91d2"


@pytest.fixture(scope="module")
def strobe() -> Iterator[Simulator]:
    with Simulator("d4200-ve", user="operator", password=PASSWORD) as simulator:
        yield simulator


@pytest.fixture
def loose_rig(strobe: Simulator, tmp_path: Path) -> Path:
    """A physical rig whose one wire goes nowhere (the Pi's pins are gpiozero's mock)."""
    path = tmp_path / "bench.yaml"
    path.write_text(
        f"""
name: loose-bench
safe_state: inactive
devices:
  strobe:
    model: d4200-ve
    url: {strobe.urls[0]}
    credentials: {{user_env: T_STROBE_USER, password_env: T_STROBE_PASSWORD}}
relay_boards:
  relays: {{active: low, channels: {{1: 5}}}}
wires:
  strobe-trigger: {{device: strobe, port: 1, direction: pi-to-device, via: relay, relay: relays/1}}
""",
        encoding="utf-8",
    )
    return path


LOOSE_ENV = {
    "GPIOZERO_PIN_FACTORY": "mock",
    "T_STROBE_USER": "operator",
    "T_STROBE_PASSWORD": PASSWORD,
}


def test_the_virtual_rig_checks_ok_in_a_table(axisctl_cli: Run) -> None:
    done = axisctl_cli("hil", "check", "--rig", "virtual", "--timeout", "3")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hil check: virtual (virtual, pins: MockFactory)" in done.stdout
    for name in (*virtual_rig().wires, "door-osdp", "door-wiegand", "strobe-light"):
        assert name in done.stdout
    assert "all wired right: 19 OK" in done.stdout


def test_json_for_scripts(axisctl_cli: Run) -> None:
    done = axisctl_cli("hil", "check", "--rig", "virtual", "--timeout", "3", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    assert report["rig"] == "virtual"
    assert report["kind"] == "virtual"
    assert {item["result"] for item in report["results"]} == {"OK"}
    gate_loop = next(item for item in report["results"] if item["item"] == "gate-loop")
    assert gate_loop == {
        "item": "gate-loop",
        "kind": "pi-to-device",
        "path": "BCM 5 → relay relays/1 → gate-camera port 1 (pin 3)",
        "result": "OK",
        "detail": "",
    }


def test_a_loose_wire_fails_the_check(axisctl_cli: Run, loose_rig: Path) -> None:
    done = axisctl_cli(
        "hil", "check", "--rig", str(loose_rig), "--timeout", "0.5", "--json", env=LOOSE_ENV
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    results = {item["item"]: item for item in report["results"]}
    assert results["strobe"]["result"] == "OK"
    assert results["strobe-trigger"]["result"] == "NO CHANGE"
    assert results["strobe-trigger"]["detail"] == "strobe port 1 never moved"
    assert report["pins"] == "MockFactory"
    assert PASSWORD not in done.stdout + done.stderr


def test_the_table_says_what_is_wrong(axisctl_cli: Run, loose_rig: Path) -> None:
    done = axisctl_cli("hil", "check", "--rig", str(loose_rig), "--timeout", "0.5", env=LOOSE_ENV)
    assert done.returncode == 1
    assert "NO CHANGE" in done.stdout
    assert "not all wired right: 1 OK, 1 NO CHANGE" in done.stdout


def test_a_missing_credential_is_named_before_anything_moves(
    axisctl_cli: Run, loose_rig: Path
) -> None:
    env = {"GPIOZERO_PIN_FACTORY": "mock", "T_STROBE_USER": "operator"}
    done = axisctl_cli("hil", "check", "--rig", str(loose_rig), env=env)
    assert done.returncode == 9
    assert "T_STROBE_PASSWORD" in done.stderr
    assert "is not set" in done.stderr


def test_a_rig_file_with_a_mistake_points_at_it(axisctl_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("name: x\ndevices:\n  cam:\n    modle: p1455-le-3\n", encoding="utf-8")
    done = axisctl_cli("hil", "check", "--rig", str(path))
    assert done.returncode == 9
    assert f"{path}:4:5: unknown key 'modle'" in done.stderr


def test_help_has_examples(axisctl_cli: Run) -> None:
    done = axisctl_cli("hil", "check", "--help")
    assert done.returncode == 0
    assert "axisctl hil check --rig virtual" in done.stdout
    assert "Exit status" in done.stdout
