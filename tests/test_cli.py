"""The axisctl command line, run as a real process against simulated devices."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from axisctl.sim import Level, Simulator

AXISCTL = [sys.executable, "-m", "axisctl"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AXISCTL_")}
    full_env.update(env or {})
    return subprocess.run(
        [*AXISCTL, *args], capture_output=True, text=True, env=full_env, timeout=60, check=False
    )


@pytest.fixture
def env(sim: Simulator) -> dict[str, str]:
    return {"AXISCTL_DEVICE": sim.urls[0], "AXISCTL_USER": "root", "AXISCTL_PASSWORD": "pass"}


def test_info_json_describes_the_device(env: dict[str, str], sim: Simulator) -> None:
    result = run("info", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["info"]["prod_nbr"] == "D4200-VE"
    assert data["info"]["serial_number"] == sim.devices[0].serial
    assert data["systemready"]["ready"] is True


def test_info_table_for_people(env: dict[str, str]) -> None:
    result = run("info", env=env)
    assert result.returncode == 0, result.stderr
    assert "AXIS D4200-VE Network Strobe Speaker" in result.stdout
    assert "Serial number" in result.stdout


def test_params_list_json_and_set(env: dict[str, str], sim: Simulator) -> None:
    listed = run("params", "list", "Brand", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["Brand.ProdNbr"] == "D4200-VE"

    changed = run("params", "set", "Time.POSIXTimeZone=CET-1CEST,M3.5.0,M10.5.0/3", env=env)
    assert changed.returncode == 0, changed.stderr
    assert sim.devices[0].params.value("Time.POSIXTimeZone") == "CET-1CEST,M3.5.0,M10.5.0/3"


def test_params_set_rejects_a_missing_equals_sign(env: dict[str, str]) -> None:
    result = run("params", "set", "Time.POSIXTimeZone", env=env)
    assert result.returncode == 2
    assert "NAME=VALUE" in result.stderr


def test_users_add_list_remove(env: dict[str, str]) -> None:
    added = run(
        "users",
        "add",
        "ellen",
        "--role",
        "operator",
        env={**env, "AXISCTL_NEW_PASSWORD": "ellen-pw"},
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(run("users", "list", "--json", env=env).stdout)
    assert {"name": "ellen", "role": "operator", "ptz": False} in listed
    assert run("users", "remove", "ellen", env=env).returncode == 0
    names = [u["name"] for u in json.loads(run("users", "list", "--json", env=env).stdout)]
    assert "ellen" not in names


def test_apis_lists_discovery_ids(env: dict[str, str]) -> None:
    result = run("apis", "--json", env=env)
    assert result.returncode == 0, result.stderr
    ids = {entry["id"] for entry in json.loads(result.stdout)}
    assert {"siren-and-light", "basic-device-info", "param-cgi"} <= ids


@pytest.mark.parametrize(
    ("overrides", "args", "code", "message"),
    [
        ({"AXISCTL_PASSWORD": "wrong-secret"}, ("info",), 4, "authentication failed"),
        ({}, ("params", "list", "NoSuchGroup"), 6, "NoSuchGroup"),
        ({"AXISCTL_DEVICE": "http://127.0.0.1:9"}, ("info",), 3, "unreachable"),
    ],
)
def test_expected_errors_give_one_line_and_a_distinct_exit_code(
    env: dict[str, str], overrides: dict[str, str], args: tuple[str, ...], code: int, message: str
) -> None:
    result = run(*args, env={**env, **overrides})
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "wrong-secret" not in result.stderr + result.stdout


def test_forbidden_exit_code_for_a_viewer(env: dict[str, str], sim: Simulator) -> None:
    sim.devices[0].add_account("frank", "frank-pw", Level.VIEWER)
    result = run(
        "params",
        "set",
        "Time.POSIXTimeZone=UTC0",
        env={**env, "AXISCTL_USER": "frank", "AXISCTL_PASSWORD": "frank-pw"},
    )
    assert result.returncode == 5, result.stderr
    assert "too low" in result.stderr


def test_missing_device_is_a_usage_error() -> None:
    result = run("info")
    assert result.returncode == 2
    assert "AXISCTL_DEVICE" in result.stderr


def test_help_teaches_exit_codes_and_environment() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "AXISCTL_PASSWORD" in result.stdout
    assert "Exit codes" in result.stdout


@pytest.fixture
def sim_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """`axisctl sim` in the foreground, as the contract in the README describes."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            *AXISCTL,
            "sim",
            "--model",
            "p1455-le-3",
            "--port",
            str(port),
            "--count",
            "2",
            "--user",
            "root",
            "--password",
            "pass",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    urls = [process.stdout.readline().strip() for _ in range(2)]
    try:
        yield process, urls
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_sim_prints_each_url_when_ready_and_stops_on_interrupt(
    sim_process: tuple[subprocess.Popen[str], list[str]],
) -> None:
    process, urls = sim_process
    assert len(set(urls)) == 2
    serials = set()
    for url in urls:
        answer = httpx.post(
            f"{url}/axis-cgi/systemready.cgi", json={"apiVersion": "1.0", "method": "systemready"}
        )
        assert answer.json()["data"]["systemready"] == "yes"
        info = run(
            "info",
            "--json",
            env={"AXISCTL_DEVICE": url, "AXISCTL_USER": "root", "AXISCTL_PASSWORD": "pass"},
        )
        serials.add(json.loads(info.stdout)["info"]["serial_number"])
    assert len(serials) == 2
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0


def test_demo_runs_against_every_model() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stderr
    for model in ("D4200-VE", "P1455-LE", "I8116-E", "Q6225-LE", "M4328-P"):
        assert model in result.stdout
    assert "refused" in result.stdout


def test_connection_repr_never_shows_the_password() -> None:
    from axisctl.cli.app import Connection

    connection = Connection(
        "http://127.0.0.1", "root", "hunter2-secret", "digest", None, None, False, 5.0
    )
    assert "hunter2-secret" not in repr(connection)
    assert "root" in repr(connection)
