"""The simulated device's MQTT client against a real broker, and the library reading it back.

The broker is mosquitto where installed, else amqtt (see ``mqtt_broker`` in conftest). Each
test uses its own device topic prefix and client id, so that tests sharing the session's
broker never see each other's (retained) messages.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from axisctl import Device
from axisctl.apis.mqtt import (
    Announcement,
    BrokerServer,
    ClientConfig,
    EventPublicationConfig,
    MqttSubscription,
    Protocol,
    PublicationFilter,
    RetainPolicy,
    TopicPrefix,
)
from axisctl.errors import AuthenticationError, DeviceUnreachableError
from axisctl.events.mqtt import AsyncMqttEventStream, MqttBroker, MqttEventStream
from axisctl.events.types import VirtualInputEvent
from axisctl.sim import SimulatedDevice
from axisctl.sim.bus import SimEvent
from axisctl.sim.mqtt import TOPIC_MQTT_CLIENT_STATUS, TOPIC_MQTT_STATEFUL, TOPIC_MQTT_STATELESS
from axisctl.sim.mqtt.bridge import MqttBridge

VIRTUAL_INPUT = "onvif:Device/axis:IO/VirtualInput"
VIRTUAL_INPUT_PATH = "tns:onvif/Device/tns:axis/IO/VirtualInput"

Listen = Callable[..., Any]
WaitUntil = Callable[..., None]


@pytest.fixture
def prefix() -> str:
    return f"axisctl-test/{uuid.uuid4().hex[:10]}"


def sent_at(message: Any, qos: int, broker: Any) -> bool:
    """Whether ``message`` arrived at the QoS it was published with.

    Listeners subscribe at QoS 2, so mosquitto delivers at the publisher's QoS; amqtt
    delivers at the subscription's, which hides it.
    """
    return bool(message.qos == qos) if broker.kind == "mosquitto" else True


def bridge_of(simulated: SimulatedDevice) -> MqttBridge:
    assert simulated.mqtt is not None
    return simulated.mqtt


def client_config(address: Any, prefix: str, **changes: Any) -> ClientConfig:
    return ClientConfig(
        BrokerServer(address.host, port=address.port),
        client_id=f"sim-{prefix.rsplit('/', 1)[-1]}",
        device_topic_prefix=prefix,
        **changes,
    )


def connect(device: Device, config: ClientConfig, wait_until: WaitUntil) -> None:
    device.mqtt.configure_client(config)
    device.mqtt.activate()
    wait_until(lambda: device.mqtt.status().connected, what="the device connects")


@pytest.fixture
def connected(device: Device, mqtt_broker: Any, prefix: str, wait_until: WaitUntil) -> Device:
    """The simulated strobe connected to the session broker under its own prefix."""
    connect(device, client_config(mqtt_broker, prefix), wait_until)
    return device


def publish_virtual_input(device: Device, **changes: Any) -> None:
    qos = changes.pop("qos", 0)
    retain = changes.pop("retain", RetainPolicy.NONE)
    filters = (PublicationFilter(VIRTUAL_INPUT, qos, retain),)
    device.mqtt.configure_publication(EventPublicationConfig(filters, **changes))


# --- connecting -----------------------------------------------------------------------------


def test_the_device_connects_and_says_so(
    connected: Device, simulated: SimulatedDevice, mqtt_broker: Any
) -> None:
    status = connected.mqtt.status()
    assert status.active
    assert status.connected
    assert status.raw_connection_status == "connected"
    last = simulated.bus.events(TOPIC_MQTT_CLIENT_STATUS)[-1]
    assert dict(last.data) == {"active": "1", "connected": "1"}
    connected.mqtt.deactivate()
    status = connected.mqtt.status()
    assert not status.active
    assert not status.connected


def test_connect_and_disconnect_messages(
    device: Device,
    simulated: SimulatedDevice,
    mqtt_broker: Any,
    prefix: str,
    mqtt_listen: Listen,
    wait_until: WaitUntil,
) -> None:
    """The client API's default announcements, and custom ones."""
    listener = mqtt_listen(f"{prefix}/#", "camera/status")
    config = client_config(
        mqtt_broker,
        prefix,
        connect_message=Announcement(),
        disconnect_message=Announcement.custom("camera/status", "bye", retain=False, qos=1),
    )
    connect(device, config, wait_until)
    hello = listener.wait_for(f"{prefix}/event/connection")[0]
    body = hello.json()
    assert body["serialNumber"] == simulated.serial
    assert body["connected"] is True
    assert body["description"] == "Connected"
    assert body["timestamp"].endswith("Z")
    assert sent_at(hello, 1, mqtt_broker)
    device.mqtt.deactivate()
    bye = listener.wait_for("camera/status")[0]
    assert bye.payload == b"bye"
    # The connect message was retained: a newcomer sees the device's last announcement.
    newcomer = mqtt_listen(f"{prefix}/event/connection")
    retained = newcomer.wait_for()[0]
    assert retained.retain
    assert retained.json()["connected"] is True


# --- publishing events ----------------------------------------------------------------------


def test_a_virtual_input_is_published_under_the_default_prefix(
    connected: Device, mqtt_broker: Any, prefix: str, mqtt_listen: Listen
) -> None:
    listener = mqtt_listen(f"{prefix}/#")
    publish_virtual_input(connected)
    before = time.time()
    connected.virtual_inputs.activate(1)
    topic = f"{prefix}/event/{VIRTUAL_INPUT_PATH}/$source/port/1"
    message = listener.wait_for(topic)[0]
    body = message.json()
    assert body["topic"] == VIRTUAL_INPUT
    assert body["message"] == {"source": {"port": "1"}, "key": {}, "data": {"active": "1"}}
    assert isinstance(body["timestamp"], int)
    assert abs(body["timestamp"] / 1000 - before) < 5
    assert "serialNumber" not in body
    assert sent_at(message, 0, mqtt_broker)
    assert not message.retain
    connected.virtual_inputs.deactivate(1)
    off = listener.wait_for(topic, count=2)[1]
    assert off.json()["message"]["data"] == {"active": "0"}


def test_custom_prefix_without_namespaces_with_the_serial_number(
    connected: Device, simulated: SimulatedDevice, prefix: str, mqtt_listen: Listen
) -> None:
    custom = f"{prefix}/site/a"
    listener = mqtt_listen(f"{prefix}/#")
    publish_virtual_input(
        connected,
        topic_prefix=TopicPrefix.CUSTOM,
        custom_topic_prefix=custom,
        include_topic_namespaces=False,
        include_serial_number=True,
    )
    connected.virtual_inputs.activate(2)
    message = listener.wait_for(f"{custom}/Device/IO/VirtualInput/$source/port/2")[0]
    body = message.json()
    assert body["serialNumber"] == simulated.serial
    assert body["topic"] == VIRTUAL_INPUT  # the payload keeps the namespaces
    assert len(listener.received()) == 1, listener.received()


def test_without_the_event_topic_everything_goes_to_the_prefix(
    connected: Device, prefix: str, mqtt_listen: Listen
) -> None:
    custom = f"{prefix}/all-events"
    listener = mqtt_listen(f"{prefix}/#")
    publish_virtual_input(
        connected,
        topic_prefix=TopicPrefix.CUSTOM,
        custom_topic_prefix=custom,
        append_event_topic=False,
    )
    connected.virtual_inputs.activate(3)
    assert listener.wait_for(custom)[0].json()["message"]["source"] == {"port": "3"}


def test_an_event_matching_two_filters_is_published_twice(
    connected: Device, prefix: str, mqtt_listen: Listen
) -> None:
    listener = mqtt_listen(f"{prefix}/#")
    filters = (PublicationFilter(VIRTUAL_INPUT), PublicationFilter("onvif:Device/axis:IO//."))
    connected.mqtt.configure_publication(EventPublicationConfig(filters))
    connected.virtual_inputs.activate(4)
    listener.wait_for(f"{prefix}/event/{VIRTUAL_INPUT_PATH}/$source/port/4", count=2)


def test_retain_property_keeps_stateful_events_only(
    connected: Device,
    simulated: SimulatedDevice,
    mqtt_broker: Any,
    prefix: str,
    mqtt_listen: Listen,
    wait_until: WaitUntil,
) -> None:
    """Virtual inputs are stateful, so retained; the MQTT-made stateless events are not."""
    connected.mqtt.configure_publication(
        EventPublicationConfig(
            (
                PublicationFilter(VIRTUAL_INPUT, 1, RetainPolicy.PROPERTY),
                PublicationFilter("axis:MQTT//.", 1, RetainPolicy.PROPERTY),
            )
        )
    )
    connected.mqtt.configure_subscriptions([MqttSubscription(f"{prefix}/cmd/#", qos=1)])
    wait_until(lambda: bridge_of(simulated).subscribed, what="the device subscribes")
    listener = mqtt_listen(f"{prefix}/event/#")
    connected.virtual_inputs.activate(5)
    listener.publish(f"{prefix}/cmd/reboot", "now")
    stateless_topic = f"{prefix}/event/tns:axis/MQTT/Message/Stateless"
    stateless = listener.wait_for(topic=None, count=2)
    by_topic = {m.topic.split("/$source/")[0]: m for m in stateless}
    assert by_topic[stateless_topic].json()["message"]["data"] == {"mqtt-payload": "now"}
    assert by_topic[stateless_topic].json()["message"]["source"] == {
        "mqtt-topic": f"{prefix}/cmd/reboot",
        "device-prefix": "0",
    }
    # A newcomer gets the retained state of the virtual input, at the QoS it was sent with.
    newcomer = mqtt_listen(f"{prefix}/event/#")
    newcomer.publish(f"{prefix}/event/marker", "m")
    newcomer.wait_for(f"{prefix}/event/marker")
    retained = [m for m in newcomer.received() if m.retain]
    # A set: amqtt may deliver a retained message once per matching subscription.
    assert {m.topic for m in retained} == {f"{prefix}/event/{VIRTUAL_INPUT_PATH}/$source/port/5"}
    assert sent_at(retained[0], 1, mqtt_broker)
    assert simulated.bus.events(TOPIC_MQTT_STATELESS)


def test_retain_all_and_qos_2(connected: Device, prefix: str, mqtt_listen: Listen) -> None:
    publish_virtual_input(connected, qos=2, retain=RetainPolicy.ALL)
    topic = f"{prefix}/event/{VIRTUAL_INPUT_PATH}/$source/port/6"
    first = mqtt_listen(topic)
    connected.virtual_inputs.activate(6)
    first.wait_for(topic)  # the broker has it; a newcomer now gets the retained copy
    newcomer = mqtt_listen(topic)
    message = newcomer.wait_for(topic)[0]
    assert message.retain
    assert message.qos == 2


def test_the_current_state_is_published_on_connect(
    device: Device, mqtt_broker: Any, prefix: str, mqtt_listen: Listen, wait_until: WaitUntil
) -> None:
    """Stateful events are announced with their present state, as on subscribing."""
    publish_virtual_input(device)
    device.virtual_inputs.activate(7)  # before the client connects
    listener = mqtt_listen(f"{prefix}/#")
    connect(device, client_config(mqtt_broker, prefix), wait_until)
    message = listener.wait_for(f"{prefix}/event/{VIRTUAL_INPUT_PATH}/$source/port/7")[0]
    assert message.json()["message"]["data"] == {"active": "1"}


# --- subscriptions --------------------------------------------------------------------------


def test_subscriptions_turn_messages_into_device_events(
    connected: Device,
    simulated: SimulatedDevice,
    prefix: str,
    mqtt_listen: Listen,
    wait_until: WaitUntil,
) -> None:
    connected.mqtt.configure_subscriptions(
        [
            MqttSubscription("Motion-" + prefix.rsplit("/", 1)[-1], stateful=True),
            MqttSubscription("door", use_device_topic_prefix=True),
        ]
    )
    motion = "Motion-" + prefix.rsplit("/", 1)[-1]
    sender = mqtt_listen()
    wait_until(lambda: len(bridge_of(simulated).subscribed) == 2, what="the device subscribes")
    assert bridge_of(simulated).subscribed == [motion, f"{prefix}/door"]
    sender.publish(motion, "On")
    sender.publish(f"{prefix}/door", "opened")

    def mqtt_events() -> list[SimEvent]:
        return [
            e
            for e in simulated.bus.events()
            if e.topic in (TOPIC_MQTT_STATEFUL, TOPIC_MQTT_STATELESS)
        ]

    wait_until(lambda: len(mqtt_events()) == 2, what="both messages become events")
    stateful = simulated.bus.events(TOPIC_MQTT_STATEFUL)[-1]
    assert dict(stateful.source) == {"mqtt-topic": motion, "device-prefix": "0"}
    assert dict(stateful.data) == {"mqtt-payload": "On"}
    assert stateful.stateful
    stateless = simulated.bus.events(TOPIC_MQTT_STATELESS)[-1]
    assert dict(stateless.source) == {"mqtt-topic": "door", "device-prefix": "1"}
    assert not stateless.stateful
    assert stateful in simulated.bus.current()


# --- broker trouble -------------------------------------------------------------------------


def test_the_device_reconnects_when_the_broker_comes_back(
    device: Device,
    simulated: SimulatedDevice,
    mqtt_broker_factory: Callable[..., Any],
    prefix: str,
    mqtt_listen: Listen,
    wait_until: WaitUntil,
) -> None:
    broker = mqtt_broker_factory()
    connect(device, client_config(broker.address, prefix), wait_until)
    publish_virtual_input(device)
    broker.stop()
    wait_until(lambda: not device.mqtt.status().connected, what="the device notices")
    status = device.mqtt.status()
    assert status.active  # still trying
    broker.start()
    wait_until(lambda: device.mqtt.status().connected, timeout=15, what="it reconnects")
    listener = mqtt_listen(f"{prefix}/#", address=broker.address)
    device.virtual_inputs.activate(8)
    listener.wait_for(f"{prefix}/event/{VIRTUAL_INPUT_PATH}/$source/port/8")


def test_without_auto_reconnect_the_client_gives_up(
    device: Device,
    simulated: SimulatedDevice,
    mqtt_broker_factory: Callable[..., Any],
    prefix: str,
    wait_until: WaitUntil,
) -> None:
    broker = mqtt_broker_factory()
    connect(device, client_config(broker.address, prefix, auto_reconnect=False), wait_until)
    broker.stop()
    wait_until(lambda: not bridge_of(simulated).running, what="the client stops trying")
    assert device.mqtt.status().active
    broker.start()
    device.mqtt.activate()  # what brings it back
    wait_until(lambda: device.mqtt.status().connected, what="activateClient reconnects")


def test_a_device_restart_reconnects_an_active_client(
    connected: Device, simulated: SimulatedDevice, wait_until: WaitUntil
) -> None:
    simulated.restart(0.2)
    wait_until(lambda: not simulated.restarting, what="the restart ends")
    wait_until(lambda: bridge_of(simulated).connected, what="the client is back")
    simulated.factory_default()
    assert not bridge_of(simulated).active
    assert not bridge_of(simulated).running


def test_broker_accounts(
    device: Device,
    simulated: SimulatedDevice,
    mqtt_broker_factory: Callable[..., Any],
    prefix: str,
    wait_until: WaitUntil,
) -> None:
    broker = mqtt_broker_factory(users={"siren1": "s3cret"})
    wrong = client_config(broker.address, prefix, username="siren1", password="nope")
    device.mqtt.configure_client(wrong)
    device.mqtt.activate()
    bridge = bridge_of(simulated)
    wait_until(lambda: bridge.last_refusal is not None, what="the broker refuses")
    assert "authori" in (bridge.last_refusal or "").lower()
    assert not device.mqtt.status().connected
    device.mqtt.configure_client(
        client_config(broker.address, prefix, username="siren1", password="s3cret")
    )
    wait_until(lambda: device.mqtt.status().connected, what="right password accepted")
    # Sending the configuration read back keeps the stored password.
    device.mqtt.configure_client(device.mqtt.status().config)
    wait_until(lambda: device.mqtt.status().connected, what="kept password accepted")
    with pytest.raises(AuthenticationError):
        MqttEventStream(MqttBroker(broker.address.host, broker.address.port)).open()
    with MqttEventStream(
        MqttBroker(broker.address.host, broker.address.port, "siren1", "s3cret"), ["#"]
    ) as stream:
        assert stream.stats.malformed == 0


# --- reading events back with the library ---------------------------------------------------


def test_the_event_stream_yields_typed_events(
    connected: Device, simulated: SimulatedDevice, mqtt_broker: Any, prefix: str
) -> None:
    publish_virtual_input(connected, include_serial_number=True)
    broker = MqttBroker(mqtt_broker.host, mqtt_broker.port)
    assert "secret-pw" not in repr(MqttBroker("h", password="secret-pw"))
    with MqttEventStream(broker, [f"{prefix}/event/#"]) as stream:
        connected.virtual_inputs.activate(9)
        item = stream.get(timeout=5)
        assert item is not None
        assert isinstance(item.event, VirtualInputEvent)
        assert item.event.topic == "tns1:Device/tnsaxis:IO/VirtualInput"
        assert item.event.port == 9
        assert item.event.active is True
        assert item.event.timestamp is not None
        assert item.serial_number == simulated.serial
        assert item.topic == f"{prefix}/event/{VIRTUAL_INPUT_PATH}/$source/port/9"
        connected.virtual_inputs.deactivate(9)
        event = next(iter(stream))
        assert isinstance(event, VirtualInputEvent)
        assert event.active is False
    assert stream.get(timeout=0.1) is None  # closed


def test_malformed_payloads_are_counted_and_skipped(
    mqtt_broker: Any, prefix: str, mqtt_listen: Listen, wait_until: WaitUntil
) -> None:
    sender = mqtt_listen()
    good = {
        "timestamp": 1590045190230,
        "topic": "onvif:Device/axis:Sensor/PIR",
        "message": {"source": {"sensor": "0"}, "key": {}, "data": {"state": "1"}},
    }
    broker = MqttBroker(mqtt_broker.host, mqtt_broker.port)
    with MqttEventStream(broker, [f"{prefix}/#"]) as stream:
        for garbage in (
            b"not json",
            b"[1, 2]",
            b'{"message": {}}',
            b'{"topic": "x", "message": {"data": {"a": {}}}}',
            b'{"topic": "x", "timestamp": "yesterday"}',
            b"\xff\xfe",
        ):
            sender.publish(f"{prefix}/event/junk", garbage)
        sender.publish(
            f"{prefix}/event/connection", json.dumps({"serialNumber": "X", "connected": True})
        )
        sender.publish(f"{prefix}/event/tns:onvif/Device/tns:axis/Sensor/PIR", json.dumps(good))
        item = stream.get(timeout=5)
        assert item is not None
        assert item.event.topic == "tns1:Device/tnsaxis:Sensor/PIR"
        assert dict(item.event.data) == {"state": "1"}
        wait_until(lambda: stream.stats.received == 8, what="every message arrives")
        assert stream.stats.malformed == 6
        assert stream.stats.ignored == 1
        assert stream.stats.events == 1
        assert stream.stats.received == 8


async def test_the_async_event_stream(connected: Device, mqtt_broker: Any, prefix: str) -> None:
    publish_virtual_input(connected)
    broker = MqttBroker(mqtt_broker.host, mqtt_broker.port)
    async with AsyncMqttEventStream(broker, [f"{prefix}/event/#"]) as stream:
        connected.virtual_inputs.activate(10)
        async for event in stream:
            assert isinstance(event, VirtualInputEvent)
            assert event.port == 10
            break
        assert await stream.get(timeout=0.05) is None


def test_the_stream_resubscribes_after_the_broker_comes_back(
    mqtt_broker_factory: Callable[..., Any], prefix: str, mqtt_listen: Listen
) -> None:
    broker = mqtt_broker_factory()
    address = broker.address
    event = {"topic": "onvif:Device/axis:IO/Port", "message": {"data": {"state": "1"}}}
    with MqttEventStream(MqttBroker(address.host, address.port), [f"{prefix}/#"]) as stream:
        broker.stop()
        broker.start()
        sender = mqtt_listen(address=address)
        deadline = time.monotonic() + 15
        item = None
        while item is None and time.monotonic() < deadline:
            # Until the stream has subscribed again, what is sent is lost: send again.
            sender.publish(f"{prefix}/event/x", json.dumps(event))
            item = stream.get(timeout=0.5)
        assert item is not None
        assert item.event.topic == "tns1:Device/tnsaxis:IO/Port"


def test_mqtt_over_websocket(
    device: Device,
    mqtt_broker_factory: Callable[..., Any],
    prefix: str,
    wait_until: WaitUntil,
) -> None:
    broker = mqtt_broker_factory(websockets=True)
    host, port = broker.address.host, broker.address.port
    config = client_config(broker.address, prefix)
    config = dataclasses.replace(config, server=BrokerServer(host, Protocol.WS, port, "mqtt"))
    connect(device, config, wait_until)
    publish_virtual_input(device)
    reader = MqttBroker(host, port, websockets=True, path="/mqtt")
    with MqttEventStream(reader, [f"{prefix}/event/#"]) as stream:
        device.virtual_inputs.activate(11)
        item = stream.get(timeout=5)
        assert item is not None
        assert isinstance(item.event, VirtualInputEvent)
        assert item.event.port == 11


def test_an_unreachable_broker_is_reported() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeviceUnreachableError) as caught:
        MqttEventStream(MqttBroker("127.0.0.1", port)).open()
    assert f"127.0.0.1:{port}" in str(caught.value)
