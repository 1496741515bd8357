"""The harness's MQTT broker (axisctl.hil.broker): it answers on its own port or says why not.

A real broker process (mosquitto, or amqtt where it is not installed) on loopback.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from axisctl.errors import ConfigurationError
from axisctl.hil.broker import MOSQUITTO, MqttBroker, available_broker


@pytest.fixture
def taken() -> Iterator[socket.socket]:
    """A loopback port something else holds."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        yield other


def test_a_port_another_server_listens_on_is_refused(taken: socket.socket, tmp_path: Path) -> None:
    if available_broker()[0] is None:
        pytest.skip(available_broker()[1])
    taken.listen()
    port = taken.getsockname()[1]
    broker = MqttBroker(tmp_path, port=port)
    with pytest.raises(ConfigurationError, match=f"already listens on 127.0.0.1:{port}"):
        broker.start()
    assert not broker.running


@pytest.mark.skipif(MOSQUITTO is None, reason="mosquitto is not installed")
def test_mosquitto_that_cannot_bind_is_reported_with_its_log(
    taken: socket.socket, tmp_path: Path
) -> None:
    # Bound but not listening: nothing answers there, and mosquitto cannot bind it.
    port = taken.getsockname()[1]
    broker = MqttBroker(tmp_path, port=port, kind="mosquitto")
    with pytest.raises(ConfigurationError, match="mosquitto exited") as caught:
        broker.start()
    assert str(tmp_path / "mosquitto.log") in str(caught.value)
    assert not broker.running


def test_a_started_broker_accepts_connections_until_stopped(tmp_path: Path) -> None:
    if available_broker()[0] is None:
        pytest.skip(available_broker()[1])
    broker = MqttBroker(tmp_path)
    broker.start()
    try:
        socket.create_connection(("127.0.0.1", broker.port), 2).close()
    finally:
        broker.stop()
    assert not broker.running
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", broker.port), 2).close()


def test_an_unknown_broker_kind_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AXISCTL_TEST_BROKER", "rabbit")
    kind, why = available_broker()
    assert kind is None
    assert "AXISCTL_TEST_BROKER must be one of mosquitto, amqtt, got 'rabbit'" in why
    with pytest.raises(ConfigurationError, match="got 'rabbit'"):
        MqttBroker(tmp_path)
    monkeypatch.delenv("AXISCTL_TEST_BROKER")
    with pytest.raises(ConfigurationError, match="kind must be one of"):
        MqttBroker(tmp_path, kind="rabbit")
