"""The axisctl command line, run as a real process against simulated devices."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from axisctl.sim import Level, Simulator

Run = Callable[..., subprocess.CompletedProcess[str]]
EnvFor = Callable[[str], dict[str, str]]


@pytest.fixture
def env(sim: Simulator, cli_env_for: EnvFor) -> dict[str, str]:
    return cli_env_for(sim.urls[0])


def test_info_json_describes_the_device(
    env: dict[str, str], sim: Simulator, axisctl_cli: Run
) -> None:
    result = axisctl_cli("info", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["info"]["prod_nbr"] == "D4200-VE"
    assert data["info"]["serial_number"] == sim.devices[0].serial
    assert data["systemready"]["ready"] is True


def test_info_table_for_people(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("info", env=env)
    assert result.returncode == 0, result.stderr
    assert "AXIS D4200-VE Network Strobe Speaker" in result.stdout
    assert "Serial number" in result.stdout


def test_params_list_json_and_set(env: dict[str, str], sim: Simulator, axisctl_cli: Run) -> None:
    listed = axisctl_cli("params", "list", "Brand", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["Brand.ProdNbr"] == "D4200-VE"

    changed = axisctl_cli("params", "set", "Time.POSIXTimeZone=CET-1CEST,M3.5.0,M10.5.0/3", env=env)
    assert changed.returncode == 0, changed.stderr
    assert sim.devices[0].params.value("Time.POSIXTimeZone") == "CET-1CEST,M3.5.0,M10.5.0/3"


def test_params_set_rejects_a_missing_equals_sign(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("params", "set", "Time.POSIXTimeZone", env=env)
    assert result.returncode == 2
    assert "NAME=VALUE" in result.stderr


def test_users_add_list_remove(env: dict[str, str], axisctl_cli: Run) -> None:
    added = axisctl_cli(
        "users",
        "add",
        "ellen",
        "--role",
        "operator",
        env={**env, "AXISCTL_NEW_PASSWORD": "ellen-pw"},
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(axisctl_cli("users", "list", "--json", env=env).stdout)
    assert {"name": "ellen", "role": "operator", "ptz": False} in listed
    assert axisctl_cli("users", "remove", "ellen", env=env).returncode == 0
    names = [u["name"] for u in json.loads(axisctl_cli("users", "list", "--json", env=env).stdout)]
    assert "ellen" not in names


def test_apis_lists_discovery_ids(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("apis", "--json", env=env)
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
    env: dict[str, str],
    overrides: dict[str, str],
    args: tuple[str, ...],
    code: int,
    message: str,
    axisctl_cli: Run,
) -> None:
    result = axisctl_cli(*args, env={**env, **overrides})
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "wrong-secret" not in result.stderr + result.stdout


def test_forbidden_exit_code_for_a_viewer(
    env: dict[str, str], sim: Simulator, axisctl_cli: Run
) -> None:
    sim.devices[0].add_account("frank", "frank-pw", Level.VIEWER)
    result = axisctl_cli(
        "params",
        "set",
        "Time.POSIXTimeZone=UTC0",
        env={**env, "AXISCTL_USER": "frank", "AXISCTL_PASSWORD": "frank-pw"},
    )
    assert result.returncode == 5, result.stderr
    assert "too low" in result.stderr


def test_missing_device_is_a_usage_error(axisctl_cli: Run) -> None:
    result = axisctl_cli("info")
    assert result.returncode == 2
    assert "AXISCTL_DEVICE" in result.stderr


def test_help_teaches_exit_codes_and_environment(axisctl_cli: Run) -> None:
    result = axisctl_cli("--help")
    assert result.returncode == 0
    assert "AXISCTL_PASSWORD" in result.stdout
    assert "Exit codes" in result.stdout


def _two_free_consecutive_ports() -> int:
    """A port P with P and P+1 both free now: `--count 2` serves on consecutive ports."""
    for _ in range(50):
        with socket.socket() as first, socket.socket() as second:
            first.bind(("127.0.0.1", 0))
            port = int(first.getsockname()[1])
            try:
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise RuntimeError("no two consecutive free ports on 127.0.0.1")


@pytest.fixture
def sim_process(
    tmp_path: Path, axisctl_command: list[str]
) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """`axisctl sim` in the foreground, as the contract in the README describes."""
    port = _two_free_consecutive_ports()
    process = subprocess.Popen(
        [
            *axisctl_command,
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
    if not all(urls):
        process.kill()
        _, stderr = process.communicate(timeout=10)
        pytest.fail(f"axisctl sim printed no URLs; its stderr: {stderr}")
    try:
        yield process, urls
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_sim_prints_each_url_when_ready_and_stops_on_interrupt(
    sim_process: tuple[subprocess.Popen[str], list[str]],
    axisctl_cli: Run,
    cli_env_for: EnvFor,
) -> None:
    process, urls = sim_process
    assert len(set(urls)) == 2
    serials = set()
    for url in urls:
        answer = httpx.post(
            f"{url}/axis-cgi/systemready.cgi", json={"apiVersion": "1.0", "method": "systemready"}
        )
        assert answer.json()["data"]["systemready"] == "yes"
        info = axisctl_cli("info", "--json", env=cli_env_for(url))
        serials.add(json.loads(info.stdout)["info"]["serial_number"])
    assert len(serials) == 2
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0


def test_demo_tour_runs_against_every_model(axisctl_cli: Run) -> None:
    # `axisctl demo` itself (the site story on the virtual rig) is tests/test_hil_demo*.py.
    result = axisctl_cli("demo", "--tour")
    assert result.returncode == 0, result.stderr
    for model in ("D4200-VE", "P1455-LE", "I8116-E", "Q6225-LE", "M4328-P", "A9188"):
        assert model in result.stdout
    # Five library calls cost five requests plus the first Digest challenge, on every model.
    assert result.stdout.count("6/5") == 6
    assert "refused" in result.stdout


def test_connection_repr_never_shows_the_password() -> None:
    from axisctl.cli.app import Connection

    connection = Connection(
        "http://127.0.0.1", "root", "hunter2-secret", "digest", None, None, False, 5.0
    )
    assert "hunter2-secret" not in repr(connection)
    assert "root" in repr(connection)
