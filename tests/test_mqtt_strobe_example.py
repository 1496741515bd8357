"""The strobe manual's MQTT example, end to end over a real broker (§4.6, §3.8, scenario 32).

A camera ("Camera 1") publishes ``Motion`` with payload ``On`` or ``Off``. The strobe
speaker ("Siren 1") subscribes to ``Motion`` as a *stateful* subscription, and a rule
"MQTT > Stateful, subscription filter Motion, payload On" runs a light and siren profile
while the rule is active: ``On`` starts it, ``Off`` stops it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from axisctl import Device
from axisctl.apis.mqtt import (
    BrokerServer,
    ClientConfig,
    EventPublicationConfig,
    MqttSubscription,
    PublicationFilter,
)
from axisctl.apis.sirenlight import LightSettings, Profile, SirenSettings
from axisctl.events.mqtt import MqttBroker, MqttEventStream
from axisctl.events.types import VirtualInputEvent
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.mqtt import TOPIC_MQTT_STATEFUL
from axisctl.sim.rules import MqttStateful, Rule, RunProfileWhileActive

USER, PASSWORD = "root", "pass"
WaitUntil = Callable[..., None]

INTRUDER = Profile(
    "Intruder",
    light=LightSettings("Alternate", colors=("red", "blue")),
    siren=SirenSettings("Alarm: Horror"),
)


def playing(strobe: SimulatedDevice) -> str | None:
    assert strobe.siren_light is not None
    light = strobe.siren_light.outputs()["light"]
    return light.get("profile") if light else None


def siren_on(strobe: SimulatedDevice) -> bool:
    assert strobe.siren_light is not None
    return bool(strobe.siren_light.outputs()["sirenOn"])


class Camera:
    """What Camera 1's rule action "MQTT > Send MQTT publish message" sends: topic Motion,
    payload On or Off, QoS 0, 1 or 2 (manual L612-L615)."""

    def __init__(self, broker: Any, client_id: str = "Camera 1") -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()

    def motion(self, payload: str, *, retain: bool = False) -> None:
        self.client.publish("Motion", payload, qos=1, retain=retain).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def camera(mqtt_broker: Any) -> Iterator[Camera]:
    cam = Camera(mqtt_broker)
    yield cam
    cam.motion("", retain=True)  # clears a retained Motion for the tests after this one
    cam.close()


@pytest.fixture
def siren(device: Device, mqtt_broker: Any, wait_until: WaitUntil) -> Device:
    """The strobe speaker, set up as the manual says: profile, client "Siren 1", the
    stateful subscription to Motion; connected to the broker."""
    device.siren_light.set_maintenance(False)
    device.siren_light.add_profile(INTRUDER)
    device.mqtt.configure_client(
        ClientConfig(BrokerServer(mqtt_broker.host, port=mqtt_broker.port), client_id="Siren 1")
    )
    device.mqtt.configure_subscriptions([MqttSubscription("Motion", stateful=True, qos=1)])
    device.mqtt.activate()
    wait_until(lambda: device.mqtt.status().connected, what="Siren 1 connects")
    return device


def wait_subscribed(strobe: SimulatedDevice, wait_until: WaitUntil) -> None:
    bridge = strobe.mqtt
    assert bridge is not None
    wait_until(lambda: bridge.subscribed == ["Motion"], what="Siren 1 subscribes to Motion")


def test_motion_on_runs_the_profile_and_off_stops_it(
    siren: Device,
    simulated: SimulatedDevice,
    sim: Simulator,
    camera: Camera,
    wait_until: WaitUntil,
) -> None:
    """Scenario 32, with the rule added through the test-control surface in its JSON form."""
    with httpx.Client(base_url=sim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD)) as http:
        answer = http.post(
            "/axisctl-sim/rules",
            json={
                "name": "MQTT motion",
                "condition": {"type": "mqtt-stateful", "filter": "Motion", "payload": "On"},
                "action": {"type": "run-while-active", "profile": "Intruder"},
            },
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["rules"][0]["condition"] == {
        "type": "mqtt-stateful",
        "filter": "Motion",
        "payload": "On",
    }
    wait_subscribed(simulated, wait_until)
    assert playing(simulated) is None

    camera.motion("On")
    wait_until(lambda: playing(simulated) == "Intruder", what="On starts the profile")
    assert siren_on(simulated)
    state = simulated.bus.events(TOPIC_MQTT_STATEFUL)[-1]
    assert dict(state.source) == {"mqtt-topic": "Motion", "device-prefix": "0"}
    assert dict(state.data) == {"mqtt-payload": "On"}

    camera.motion("Off")
    wait_until(lambda: playing(simulated) is None, what="Off stops it")
    assert not siren_on(simulated)

    camera.motion("On")
    wait_until(lambda: playing(simulated) == "Intruder", what="On starts it again")
    camera.motion("on")  # payloads compare exactly: "on" is not "On"
    wait_until(lambda: playing(simulated) is None, what="another payload ends the rule")


def test_a_state_that_is_already_on_starts_the_profile_when_the_rule_is_added(
    siren: Device,
    simulated: SimulatedDevice,
    camera: Camera,
    wait_until: WaitUntil,
) -> None:
    wait_subscribed(simulated, wait_until)
    camera.motion("On")
    wait_until(lambda: simulated.bus.events(TOPIC_MQTT_STATEFUL), what="the state arrives")
    assert playing(simulated) is None  # no rule yet
    rule = simulated.rules.add(
        Rule(MqttStateful("Motion", "On"), RunProfileWhileActive("Intruder"), name="motion")
    )
    assert rule.active
    assert playing(simulated) == "Intruder"


def test_a_retained_motion_reaches_a_strobe_that_connects_later(
    device: Device,
    simulated: SimulatedDevice,
    mqtt_broker: Any,
    camera: Camera,
    wait_until: WaitUntil,
) -> None:
    """The camera publishes before the strobe is online; with retain the state still
    arrives as soon as the strobe subscribes."""
    device.siren_light.set_maintenance(False)
    device.siren_light.add_profile(INTRUDER)
    simulated.rules.add(Rule(MqttStateful("Motion", "On"), RunProfileWhileActive("Intruder")))
    camera.motion("On", retain=True)
    device.mqtt.configure_client(
        ClientConfig(BrokerServer(mqtt_broker.host, port=mqtt_broker.port), client_id="Siren 1")
    )
    device.mqtt.configure_subscriptions([MqttSubscription("Motion", stateful=True)])
    device.mqtt.activate()
    wait_until(lambda: playing(simulated) == "Intruder", what="the retained On arrives")


def test_a_simulated_camera_feeds_the_strobe(
    siren: Device,
    simulated: SimulatedDevice,
    mqtt_broker: Any,
    wait_until: WaitUntil,
) -> None:
    """A simulated P1455-LE publishes its own events to the broker; what its rule action
    would send ("Motion" On/Off) is relayed from those events, read back with the
    library's MQTT event stream."""
    simulated.rules.add(Rule(MqttStateful("Motion", "On"), RunProfileWhileActive("Intruder")))
    wait_subscribed(simulated, wait_until)
    with Simulator("p1455-le-3", user=USER, password=PASSWORD) as camera_sim:
        camera_serial = camera_sim.devices[0].serial
        with Device(camera_sim.urls[0], USER, PASSWORD, retries=0) as cam:
            cam.mqtt.configure_client(
                ClientConfig(
                    BrokerServer(mqtt_broker.host, port=mqtt_broker.port),
                    client_id="Camera 1",
                )
            )
            cam.mqtt.configure_publication(
                EventPublicationConfig((PublicationFilter("onvif:Device/axis:IO/VirtualInput"),))
            )
            cam.mqtt.activate()
            wait_until(lambda: cam.mqtt.status().connected, what="Camera 1 connects")
            broker = MqttBroker(mqtt_broker.host, mqtt_broker.port)
            topics = [f"axis/{camera_serial}/event/#"]
            with MqttEventStream(broker, topics) as stream:
                # Its own client id: a second "Camera 1" would push the camera off the broker.
                relay = _MotionRelay(stream, Camera(mqtt_broker, "Camera 1 rules"))
                relay.start()
                try:
                    cam.virtual_inputs.activate(1)  # the camera "sees motion"
                    wait_until(lambda: playing(simulated) == "Intruder", what="profile runs")
                    cam.virtual_inputs.deactivate(1)
                    wait_until(lambda: playing(simulated) is None, what="profile stops")
                finally:
                    stream.close()
                    relay.join(5)
                    relay.camera.close()
            assert relay.relayed == ["On", "Off"]


class _MotionRelay(threading.Thread):
    """Camera 1's rule: virtual input 1 active → publish Motion On; inactive → Off."""

    def __init__(self, stream: MqttEventStream, camera: Camera) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.camera = camera
        self.relayed: list[str] = []

    def run(self) -> None:
        for event in self.stream:
            if isinstance(event, VirtualInputEvent) and event.port == 1:
                payload = "On" if event.active else "Off"
                self.relayed.append(payload)
                self.camera.motion(payload)
