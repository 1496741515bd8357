"""Shared fixtures: simulated devices served on real loopback sockets, and the CLI as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import paho.mqtt.client as mqtt
import pytest
from hypothesis import settings
from paho.mqtt.enums import CallbackAPIVersion

from axisctl import AsyncDevice, Device
from axisctl.errors import ConfigurationError
from axisctl.hil.broker import MOSQUITTO, BrokerAddress, MqttBroker
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.clock import SimClock

USER = "root"
PASSWORD = "pass"
AXISCTL = [sys.executable, "-m", "axisctl"]

# No per-example deadline: the machines are shared and noisy, and speed is measured in
# benchmarks/, never asserted in tests.
settings.register_profile("axisctl", deadline=None)
settings.load_profile("axisctl")


# --- simulated devices on a real clock ------------------------------------------------------


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """A fresh simulated D4200-VE strobe speaker, so tests never share device state."""
    with Simulator("d4200-ve", user=USER, password=PASSWORD) as simulator:
        yield simulator


@pytest.fixture
def simulated(sim: Simulator) -> SimulatedDevice:
    return sim.devices[0]


@pytest.fixture
def device(sim: Simulator) -> Iterator[Device]:
    with Device(sim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture
async def adevice(sim: Simulator) -> AsyncIterator[AsyncDevice]:
    async with AsyncDevice(sim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture(params=["sync", "async"])
def dev(
    request: pytest.FixtureRequest, device: Device, adevice: AsyncDevice
) -> Device | AsyncDevice:
    """``device`` and then ``adevice``: each test using it runs once for each client."""
    return device if request.param == "sync" else adevice


# --- simulated devices on a manual clock ----------------------------------------------------


@pytest.fixture
def clock() -> SimClock:
    """A manual clock on its own: time moves only with ``clock.advance``."""
    return SimClock(manual=True)


@pytest.fixture
def msim() -> Iterator[Simulator]:
    """A strobe speaker on a manual clock: time moves only with ``msim.clock.advance``."""
    with Simulator("d4200-ve", user=USER, password=PASSWORD, manual_clock=True) as simulator:
        yield simulator


@pytest.fixture
def mdevice(msim: Simulator) -> Iterator[Device]:
    with Device(msim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture
async def madevice(msim: Simulator) -> AsyncIterator[AsyncDevice]:
    async with AsyncDevice(msim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture(params=["sync", "async"])
def mdev(
    request: pytest.FixtureRequest, mdevice: Device, madevice: AsyncDevice
) -> Device | AsyncDevice:
    """``mdevice`` and then ``madevice``, as ``dev`` is for the real-clock devices."""
    return mdevice if request.param == "sync" else madevice


# --- the License Plate Verifier gate camera ---------------------------------------------------


@pytest.fixture
def gate_sim() -> Iterator[Simulator]:
    """A P1455-LE gate camera with the License Plate Verifier app, on a manual clock."""
    with Simulator("p1455-le-3", user=USER, password=PASSWORD, manual_clock=True) as simulator:
        yield simulator


@pytest.fixture
def gate_camera(gate_sim: Simulator) -> SimulatedDevice:
    return gate_sim.devices[0]


@pytest.fixture
def gate_device(gate_sim: Simulator) -> Iterator[Device]:
    with Device(gate_sim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture
async def gate_adevice(gate_sim: Simulator) -> AsyncIterator[AsyncDevice]:
    async with AsyncDevice(gate_sim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture(params=["sync", "async"])
def gate_dev(
    request: pytest.FixtureRequest, gate_device: Device, gate_adevice: AsyncDevice
) -> Device | AsyncDevice:
    """``gate_device`` and then ``gate_adevice``: one test, both halves of the library."""
    return gate_device if request.param == "sync" else gate_adevice


# --- the command line as a real process -----------------------------------------------------


def _environ(env: dict[str, str] | None) -> dict[str, str]:
    """This process's environment without any AXISCTL_* setting, then ``env`` on top."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AXISCTL_")}
    full_env.update(env or {})
    return full_env


def _run_axisctl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AXISCTL, *args],
        capture_output=True,
        text=True,
        env=_environ(env),
        timeout=60,
        check=False,
    )


def _env_for(url: str) -> dict[str, str]:
    return {"AXISCTL_DEVICE": url, "AXISCTL_USER": USER, "AXISCTL_PASSWORD": PASSWORD}


@pytest.fixture
def axisctl_command() -> list[str]:
    """The command line that starts axisctl with this interpreter, for ``subprocess.Popen``."""
    return list(AXISCTL)


@pytest.fixture
def cli_environ() -> Callable[[dict[str, str] | None], dict[str, str]]:
    """The environment the CLI runs in: ours without AXISCTL_* settings, plus the given ones."""
    return _environ


@pytest.fixture
def axisctl_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run(*args, env=None)``: axisctl run to the end, settings only from ``env``."""
    return _run_axisctl


@pytest.fixture
def cli_env_for() -> Callable[[str], dict[str, str]]:
    """The AXISCTL_* settings that point the CLI at a device URL as root."""
    return _env_for


# --- a real MQTT broker on loopback ---------------------------------------------------------

#: mosquitto where installed (CI installs it with apt-get); else the pure-Python amqtt broker.
#: AXISCTL_TEST_BROKER=amqtt forces the fallback, to check that it works too. The broker
#: itself is the harness's (axisctl.hil.broker), which the virtual rig starts too.


class MqttTestBroker(MqttBroker):
    """:class:`~axisctl.hil.broker.MqttBroker`, skipping the test where the broker asked
    for cannot run (accounts need mosquitto)."""

    def __init__(
        self,
        workdir: Path,
        *,
        users: dict[str, str] | None = None,
        kind: str | None = None,
        websockets: bool = False,
    ) -> None:
        try:
            super().__init__(workdir, users=users, kind=kind, websockets=websockets)
        except ConfigurationError as error:
            pytest.skip(f"broker: {error}")


def _broker_scope(fixture_name: str, config: pytest.Config) -> Literal["session", "function"]:
    # amqtt 0.12 sends a connecting client the retained messages of every subscription in
    # the broker, its own or not; a broker per test keeps tests from seeing each other's.
    amqtt = (os.environ.get("AXISCTL_TEST_BROKER") or ("" if MOSQUITTO else "amqtt")) == "amqtt"
    return "function" if amqtt else "session"


@pytest.fixture(scope=_broker_scope)
def mqtt_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerAddress]:
    """An anonymous broker: one for the session (mosquitto; tests keep apart by topic
    prefix), or one per test (amqtt)."""
    broker = MqttTestBroker(tmp_path_factory.mktemp("mqtt-broker"))
    broker.start()
    yield broker.address
    broker.stop()


@pytest.fixture
def mqtt_broker_factory(tmp_path: Path) -> Iterator[Callable[..., MqttTestBroker]]:
    """``make(users=None, websockets=False)``: a started broker of this test's own, stopped
    at teardown."""
    started: list[MqttTestBroker] = []

    def make(*, users: dict[str, str] | None = None, websockets: bool = False) -> MqttTestBroker:
        broker = MqttTestBroker(
            tmp_path / f"broker-{len(started)}", users=users, websockets=websockets
        )
        broker.start()
        started.append(broker)
        return broker

    yield make
    for broker in started:
        broker.stop()


@dataclass(frozen=True)
class ReceivedMessage:
    topic: str
    payload: bytes
    qos: int
    retain: bool

    def json(self) -> Any:
        return json.loads(self.payload)


class MqttListener:
    """A plain paho client that records what arrives on ``topics``, as a test bench would."""

    def __init__(self, address: BrokerAddress, topics: tuple[str, ...], qos: int = 2) -> None:
        self.messages: list[ReceivedMessage] = []
        self.topics = topics
        self._subscribed = threading.Event()
        self._lock = threading.Lock()
        # Unique client ids: amqtt hands an empty one the previous empty one's session.
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"listener-{os.urandom(6).hex()}"
        )
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *args: self._subscribed.set()
        self.client.connect(address.host, address.port)
        self.client.loop_start()
        if topics:
            self.client.subscribe([(topic, qos) for topic in topics])
            assert self._subscribed.wait(5), "the broker did not acknowledge the subscription"

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        if not any(mqtt.topic_matches_sub(t, message.topic) for t in self.topics):
            return  # amqtt also delivers retained messages of other clients' subscriptions
        with self._lock:
            self.messages.append(
                ReceivedMessage(
                    message.topic, bytes(message.payload), message.qos, bool(message.retain)
                )
            )

    def received(self, topic: str | None = None) -> list[ReceivedMessage]:
        with self._lock:
            return [m for m in self.messages if topic is None or m.topic == topic]

    def wait_for(
        self, topic: str | None = None, *, count: int = 1, timeout: float = 5.0
    ) -> list[ReceivedMessage]:
        """The first ``count`` messages (on ``topic``), polling until they are there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.received(topic)
            if len(found) >= count:
                return found[:count]
            time.sleep(0.02)
        raise AssertionError(
            f"{count} message(s) on {topic or 'any topic'} did not arrive within {timeout} s; "
            f"got {[m.topic for m in self.received()]}"
        )

    def publish(
        self, topic: str, payload: str | bytes, *, qos: int = 1, retain: bool = False
    ) -> None:
        info = self.client.publish(topic, payload, qos, retain)
        info.wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def mqtt_listen(mqtt_broker: BrokerAddress) -> Iterator[Callable[..., MqttListener]]:
    """``listen(*topics, address=None)``: a subscriber on the session broker (or another)."""
    listeners: list[MqttListener] = []

    def listen(*topics: str, address: BrokerAddress | None = None) -> MqttListener:
        listener = MqttListener(address or mqtt_broker, topics)
        listeners.append(listener)
        return listener

    yield listen
    for listener in listeners:
        listener.close()


def _wait_until(condition: Callable[[], object], timeout: float = 5.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what or condition}")
        time.sleep(0.02)


@pytest.fixture
def wait_until() -> Callable[..., None]:
    """``wait_until(condition, timeout=5.0, what="")``: poll every 20 ms, fail after timeout."""
    return _wait_until
