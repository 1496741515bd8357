"""``axisctl mqtt``, run as a real process against a simulated strobe speaker and a broker."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from axisctl.sim import Level, SimulatedDevice, Simulator
from axisctl.sim.mqtt import MqttBridge

Run = Callable[..., subprocess.CompletedProcess[str]]
SECRET = "broker-secret-1"


@pytest.fixture
def env(sim: Simulator, cli_env_for: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return cli_env_for(sim.urls[0])


def bridge_of(simulated: SimulatedDevice) -> MqttBridge:
    assert simulated.mqtt is not None
    return simulated.mqtt


def test_help_has_examples(axisctl_cli: Run) -> None:
    result = axisctl_cli("mqtt", "--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout
    assert "axisctl mqtt configure --host" in result.stdout
    for command in ("configure", "status", "connect", "disconnect", "publication"):
        assert command in result.stdout
    publication = axisctl_cli("mqtt", "publication", "--help")
    assert "--retain [none|property|all]" in publication.stdout


def test_configure_takes_the_password_from_the_environment_and_never_shows_it(
    env: dict[str, str], simulated: SimulatedDevice, axisctl_cli: Run
) -> None:
    result = axisctl_cli(
        "mqtt",
        "configure",
        "--host",
        "broker.example.com",
        "--protocol",
        "ssl",
        "--username",
        "siren1",
        "--client-id",
        "Siren 1",
        env={**env, "AXISCTL_MQTT_PASSWORD": SECRET},
    )
    assert result.returncode == 0, result.stderr
    assert "MQTT broker set to ssl://broker.example.com:8883" in result.stdout
    assert "inactive" in result.stdout
    assert bridge_of(simulated).client_config["username"] == "siren1"
    status = axisctl_cli("mqtt", "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)
    assert shown["state"] == "inactive"
    assert shown["connectionStatus"] == "disconnected"
    assert shown["config"]["password"] == "*****"
    assert shown["config"]["clientId"] == "Siren 1"
    assert shown["config"]["ssl"] == {"validateServerCert": True}
    table = axisctl_cli("mqtt", "status", env=env)
    for output in (result, status, table):
        assert SECRET not in output.stdout + output.stderr
    assert "*****" in table.stdout


def test_without_a_password_source_configure_refuses(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("mqtt", "configure", "--host", "b", "--username", "u", env=env)
    assert result.returncode == 2
    assert "AXISCTL_MQTT_PASSWORD" in result.stderr


def test_connect_status_and_disconnect(
    env: dict[str, str], mqtt_broker: Any, simulated: SimulatedDevice, axisctl_cli: Run
) -> None:
    configured = axisctl_cli(
        "mqtt",
        "configure",
        "--host",
        mqtt_broker.host,
        "--port",
        str(mqtt_broker.port),
        "--client-id",
        "cli-test-siren",
        "--prefix",
        "axisctl-test/cli",
        env=env,
    )
    assert configured.returncode == 0, configured.stderr
    connected = axisctl_cli("mqtt", "connect", "--wait", "5", env=env)
    assert connected.returncode == 0, connected.stderr
    assert connected.stdout.strip() == "MQTT client: active, connected"
    table = axisctl_cli("mqtt", "status", env=env)
    assert "axisctl-test/cli" in table.stdout
    assert f"tcp://{mqtt_broker.host}:{mqtt_broker.port}" in table.stdout
    gone = axisctl_cli("mqtt", "disconnect", env=env)
    assert gone.returncode == 0, gone.stderr
    assert gone.stdout.strip() == "MQTT client: inactive, disconnected"
    assert not bridge_of(simulated).active


def test_connect_wait_fails_when_the_broker_is_not_there(
    env: dict[str, str], axisctl_cli: Run
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    axisctl_cli("mqtt", "configure", "--host", "127.0.0.1", "--port", str(port), env=env)
    result = axisctl_cli("mqtt", "connect", "--wait", "0.5", env=env)
    assert result.returncode == 10
    assert "not connected" in result.stderr


def test_publication_shows_and_changes_the_filters(
    env: dict[str, str], simulated: SimulatedDevice, axisctl_cli: Run
) -> None:
    empty = axisctl_cli("mqtt", "publication", env=env)
    assert empty.returncode == 0, empty.stderr
    assert "no event filters" in empty.stdout
    assert f"axis/{simulated.serial}/event/<event topic>" in empty.stdout
    changed = axisctl_cli(
        "mqtt",
        "publication",
        "--topic",
        "onvif:Device/axis:IO/VirtualInput",
        "--topic",
        "tns1:Device/tnsaxis:Status//.",
        "--retain",
        "property",
        "--qos",
        "1",
        "--json",
        env=env,
    )
    assert changed.returncode == 0, changed.stderr
    config = json.loads(changed.stdout)
    assert config["eventFilterList"] == [
        {"topicFilter": "onvif:Device/axis:IO/VirtualInput", "qos": 1, "retain": "property"},
        {"topicFilter": "onvif:Device/axis:Status//.", "qos": 1, "retain": "property"},
    ]
    flags = axisctl_cli(
        "mqtt", "publication", "--custom-prefix", "site/a", "--serial-number", env=env
    )
    assert flags.returncode == 0, flags.stderr
    assert "published under site/a/<event topic>" in flags.stdout
    assert "onvif:Device/axis:IO/VirtualInput" in flags.stdout  # filters kept
    publication = bridge_of(simulated).publication
    assert publication["includeSerialNumberInPayload"] is True
    assert len(publication["eventFilterList"]) == 2
    cleared = axisctl_cli("mqtt", "publication", "--clear", "--json", env=env)
    assert json.loads(cleared.stdout)["eventFilterList"] == []


def test_publication_refuses_a_bad_filter(env: dict[str, str], axisctl_cli: Run) -> None:
    result = axisctl_cli("mqtt", "publication", "--topic", "not a topic", env=env)
    assert result.returncode == 9
    assert "not a topic name" in result.stderr


def test_subscriptions(env: dict[str, str], simulated: SimulatedDevice, axisctl_cli: Run) -> None:
    result = axisctl_cli(
        "mqtt", "subscriptions", "--stateful", "Motion", "--stateless", "door/#", env=env
    )
    assert result.returncode == 0, result.stderr
    assert "Motion" in result.stdout
    assert "stateful" in result.stdout
    listed = axisctl_cli("mqtt", "subscriptions", "--json", env=env)
    assert json.loads(listed.stdout) == [
        {"topicFilter": "Motion", "useDeviceTopicPrefix": False, "qos": 0, "isStateData": True},
        {"topicFilter": "door/#", "useDeviceTopicPrefix": False, "qos": 0, "isStateData": False},
    ]
    refused = axisctl_cli("mqtt", "subscriptions", "--stateful", "door/#", env=env)
    assert refused.returncode == 9
    assert "stateless" in refused.stderr


def test_an_operator_is_refused(
    sim: Simulator, cli_env_for: Callable[[str], dict[str, str]], axisctl_cli: Run
) -> None:
    sim.devices[0].add_account("op", "op-pw", Level.OPERATOR)
    env = {**cli_env_for(sim.urls[0]), "AXISCTL_USER": "op", "AXISCTL_PASSWORD": "op-pw"}
    result = axisctl_cli("mqtt", "status", env=env)
    assert result.returncode == 5
