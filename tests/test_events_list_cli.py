"""``axisctl events list``, run as a real process against simulated devices."""

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


def test_table_lists_topics_names_and_items(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("events", "list", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # The topic is never cut short: people copy it into filters.
    start = next(i for i, line in enumerate(lines) if "tns1:Device/tnsaxis:IO/VirtualInput" in line)
    virtual = lines[start]
    # The name column may wrap onto the row's next line.
    assert "Virtual input" in " ".join(part.strip(" │") for part in lines[start : start + 2])
    assert "port (1..64)" in virtual
    assert "active*" in virtual  # the state item of a stateful topic
    assert "yes" in virtual
    assert any("tns1:Device/tnsaxis:SirenAndLight/Status" in line for line in lines)


def test_json_has_items_types_and_values(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("events", "list", "--json", env=env)
    assert result.returncode == 0, result.stderr
    declared = {entry["topic"]: entry for entry in json.loads(result.stdout)}
    virtual = declared["tns1:Device/tnsaxis:IO/VirtualInput"]
    assert virtual["mqtt_topic"] == "onvif:Device/axis:IO/VirtualInput"
    assert virtual["nice_name"] == "Virtual input"
    assert virtual["is_property"] is True
    assert virtual["event_class"] == "VirtualInputEvent"
    assert virtual["source"] == [
        {
            "name": "port",
            "type": "xsd:int",
            "nice_name": "Port number",
            "is_property_state": False,
            "values": [str(n) for n in range(1, 65)],
        }
    ]
    assert virtual["data"][0]["name"] == "active"
    assert virtual["data"][0]["is_property_state"] is True
    assert "tns1:Device/tnsaxis:Status/SystemReady" in declared


def test_topic_filter_in_either_spelling(env: dict[str, str], axisctl_cli: Run) -> None:
    for expression in ("tns1:Device/tnsaxis:IO//.", "onvif:Device/axis:IO//."):
        result = axisctl_cli("events", "list", "--topic", expression, "--json", env=env)
        assert result.returncode == 0, result.stderr
        topics = {entry["topic"] for entry in json.loads(result.stdout)}
        assert topics == {
            "tns1:Device/tnsaxis:IO/Port",
            "tns1:Device/tnsaxis:IO/OutputPort",
            "tns1:Device/tnsaxis:IO/VirtualInput",
        }


def test_bad_topic_filter_is_a_usage_error(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("events", "list", "--topic", "tns1:Device/", env=env)
    assert result.returncode == 2
    assert "--topic" in result.stderr
    assert "not a topic name" in result.stderr


def test_license_plate_topics_on_the_camera(
    axisctl_cli: Run, cli_env_for: Callable[[str], dict[str, str]]
) -> None:
    with Simulator("p1455-le-3") as camera:
        result = axisctl_cli(
            "events",
            "list",
            "--topic",
            "tnsaxis:CameraApplicationPlatform//.",
            "--json",
            env=cli_env_for(camera.urls[0]),
        )
    assert result.returncode == 0, result.stderr
    declared = {entry["topic"]: entry for entry in json.loads(result.stdout)}
    plates = declared["tnsaxis:CameraApplicationPlatform/ALPV.AllPlates"]
    assert plates["is_property"] is False
    assert plates["event_class"] == "LicensePlateEvent"
    assert {"text", "country", "carMoveDirection"} <= {item["name"] for item in plates["data"]}


def test_viewer_may_list(
    sim: Simulator, axisctl_cli: Run, cli_env_for: Callable[[str], dict[str, str]]
) -> None:
    sim.devices[0].add_account("vera", "vera-pw", Level.VIEWER)
    env = {**cli_env_for(sim.urls[0]), "AXISCTL_USER": "vera", "AXISCTL_PASSWORD": "vera-pw"}
    result = axisctl_cli("events", "list", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)


def test_wrong_password_is_reported(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("events", "list", env={**env, "AXISCTL_PASSWORD": "wrong"})
    assert result.returncode == 4  # the CLI's exit code for refused credentials
    assert "authentication failed" in result.stderr
