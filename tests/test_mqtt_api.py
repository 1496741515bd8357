"""The MQTT client and event bridge APIs against a simulated strobe speaker (no broker needed).

The default ``sim`` is a D4200-VE, whose API list has ``mqtt-client`` and
``event-mqtt-bridge``. Tests that run with ``dev`` run once sync and once async.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Iterator
from typing import Any, TypeVar

import httpx
import pytest

from axisctl import AsyncDevice, Device, ForbiddenError
from axisctl.apis.mqtt import (
    CLIENT_PATH,
    EVENT_PATH,
    Announcement,
    BrokerServer,
    ClientConfig,
    ClientState,
    ClientStatus,
    ConnectionStatus,
    EventPublicationConfig,
    InvalidMqttSettingError,
    MqttInvalidParameterError,
    MqttMissingParameterError,
    MqttRequestTooLargeError,
    MqttSubscription,
    Protocol,
    PublicationFilter,
    RetainPolicy,
    SslSettings,
    TopicPrefix,
)
from axisctl.errors import ConfigurationError, DeviceError, MalformedResponseError
from axisctl.sim import Level, SimulatedDevice, Simulator

USER, PASSWORD = "root", "pass"
BROKER_PASSWORD = "password_1"
T = TypeVar("T")

#: The developer documentation's configureClient example, as a model.
DOC_EXAMPLE = ClientConfig(
    server=BrokerServer("somebroker.somewhere.com", Protocol.SSL, 8883),
    username="user_1",
    password=BROKER_PASSWORD,
    client_id="unique_id_on_broker",
    keep_alive_interval=20,
    connect_timeout=30,
    clean_session=True,
    auto_reconnect=True,
    device_topic_prefix="some/topic/prefix",
    last_will=Announcement.custom("Camera_1/ConnectionStatus", "Connection Lost"),
    connect_message=Announcement.custom("Camera_1/ConnectionStatus", "Connected"),
    disconnect_message=Announcement.custom("Camera_1/ConnectionStatus", "Disconnected"),
    ssl=SslSettings(validate_server_cert=True),
)


async def resolve(value: T) -> Any:
    """The result of a sync call, or of an async one awaited."""
    return await value if inspect.isawaitable(value) else value


@pytest.fixture
def http(sim: Simulator) -> Iterator[httpx.Client]:
    """Raw requests, for what the typed client would never send."""
    with httpx.Client(base_url=sim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD)) as client:
        yield client


def rpc(
    http: httpx.Client, path: str, method: str, params: Any = None, version: str | None = "1.0"
) -> dict[str, Any]:
    body: dict[str, Any] = {"method": method}
    if version is not None:
        body["apiVersion"] = version
    if params is not None:
        body["params"] = params
    answer: dict[str, Any] = http.post(path, json=body).json()
    return answer


# --- versions and status --------------------------------------------------------------------


async def test_both_cgis_list_their_versions(dev: Device | AsyncDevice) -> None:
    assert await resolve(dev.mqtt.supported_versions()) == ["1.3"]
    assert await resolve(dev.mqtt.event_bridge_versions()) == ["1.1"]


async def test_a_fresh_client_is_inactive_with_the_documented_defaults(
    dev: Device | AsyncDevice, simulated: SimulatedDevice
) -> None:
    status = await resolve(dev.mqtt.status())
    assert isinstance(status, ClientStatus)
    assert status.state is ClientState.INACTIVE
    assert status.connection_status is ConnectionStatus.DISCONNECTED
    assert not status.active
    assert not status.connected
    config = status.config
    assert config.server.protocol is Protocol.TCP
    assert config.server.effective_port == 1883
    assert config.keep_alive_interval == 60
    assert config.connect_timeout == 60  # manual L1842
    assert config.auto_reconnect is True
    assert config.device_topic_prefix == f"axis/{simulated.serial}"
    assert config.client_id == simulated.serial
    assert not config.keep_existing_password  # no password stored


async def test_configure_client_round_trips_and_masks_the_password(
    dev: Device | AsyncDevice,
) -> None:
    await resolve(dev.mqtt.configure_client(DOC_EXAMPLE))
    config = (await resolve(dev.mqtt.status())).config
    assert config.password is None
    assert config.keep_existing_password is True  # the device holds one
    expected = dataclasses.replace(DOC_EXAMPLE, password=None, keep_existing_password=True)
    assert config == expected
    assert BROKER_PASSWORD not in repr(config)
    assert config.to_display_json()["password"] == "*****"


def test_the_password_never_leaves_the_device(http: httpx.Client, device: Device) -> None:
    device.mqtt.configure_client(DOC_EXAMPLE)
    raw = http.post(CLIENT_PATH, json={"apiVersion": "1.0", "method": "getClientStatus"})
    assert BROKER_PASSWORD not in raw.text
    assert raw.json()["data"]["config"]["password"] == "*****"
    assert raw.json()["data"]["status"] == {"state": "inactive", "connectionStatus": "disconnected"}


def test_the_password_is_not_in_any_repr() -> None:
    assert BROKER_PASSWORD not in repr(DOC_EXAMPLE)
    assert BROKER_PASSWORD not in str(DOC_EXAMPLE)
    assert DOC_EXAMPLE.to_json()["password"] == BROKER_PASSWORD  # what is sent
    assert DOC_EXAMPLE.to_display_json()["password"] == "*****"


def test_keep_existing_password_keeps_it_and_a_plain_configure_erases_it(device: Device) -> None:
    device.mqtt.configure_client(DOC_EXAMPLE)
    # A configuration read back and sent again keeps the stored password.
    read_back = device.mqtt.status().config
    device.mqtt.configure_client(dataclasses.replace(read_back, client_id="other"))
    config = device.mqtt.status().config
    assert config.client_id == "other"
    assert config.keep_existing_password
    # Without a password and without keepExistingPassword the password is erased.
    device.mqtt.configure_client(ClientConfig(BrokerServer("broker.local"), username="u"))
    assert not device.mqtt.status().config.keep_existing_password
    assert "password" not in device.mqtt.status().config.to_display_json()


@pytest.mark.parametrize(
    ("protocol", "port"),
    [(Protocol.TCP, 1883), (Protocol.SSL, 8883), (Protocol.WS, 80), (Protocol.WSS, 443)],
)
def test_the_port_defaults_per_protocol(device: Device, protocol: Protocol, port: int) -> None:
    """Manual L1821-L1824 (scenario 33)."""
    device.mqtt.configure_client(ClientConfig(BrokerServer("broker.local", protocol)))
    server = device.mqtt.status().config.server
    assert server.protocol is protocol
    assert server.port == port


def test_configure_client_replaces_the_whole_configuration(device: Device) -> None:
    device.mqtt.configure_client(DOC_EXAMPLE)
    device.mqtt.configure_client(ClientConfig(BrokerServer("other.local", port=1884)))
    config = device.mqtt.status().config
    assert config.server == BrokerServer("other.local", Protocol.TCP, 1884)
    assert config.keep_alive_interval == 60
    assert config.connect_message is None
    assert config.ssl is None


async def test_activate_and_deactivate_without_a_broker(dev: Device | AsyncDevice) -> None:
    await resolve(dev.mqtt.activate())
    status = await resolve(dev.mqtt.status())
    assert status.active
    assert not status.connected  # no broker host configured yet
    await resolve(dev.mqtt.deactivate())
    assert not (await resolve(dev.mqtt.status())).active


# --- client.cgi errors ----------------------------------------------------------------------


def test_a_proxy_url_of_256_bytes_is_refused(device: Device) -> None:
    """Manual L1836 (scenario 33): at most 255 bytes; checked locally and by the device."""
    config = ClientConfig(BrokerServer("broker.local"), http_proxy="http://" + "p" * 249)
    with pytest.raises(InvalidMqttSettingError) as local:
        device.mqtt.configure_client(config)
    assert local.value.field == "httpProxy"
    assert isinstance(local.value, ConfigurationError)
    with pytest.raises(MqttInvalidParameterError) as remote:
        device.mqtt.configure_client(config, validate=False)
    assert remote.value.code == 2104
    assert "httpProxy" in remote.value.message
    ok = dataclasses.replace(config, http_proxy="http://" + "p" * 248)
    device.mqtt.configure_client(ok)
    assert device.mqtt.status().config.http_proxy == ok.http_proxy


def test_local_checks_name_the_field(device: Device, simulated: SimulatedDevice) -> None:
    bad = [
        (ClientConfig(BrokerServer("")), "server.host"),
        (ClientConfig(BrokerServer("b", port=0)), "server.port"),
        (ClientConfig(BrokerServer("b"), keep_alive_interval=-1), "keepAliveInterval"),
        (ClientConfig(BrokerServer("b"), device_topic_prefix="a/#"), "deviceTopicPrefix"),
        (
            ClientConfig(BrokerServer("b"), last_will=Announcement(use_default=False)),
            "lastWillTestament.topic",
        ),
        (
            ClientConfig(BrokerServer("b"), connect_message=Announcement.custom("t", "m", qos=3)),
            "connectMessage.qos",
        ),
    ]
    for config, field in bad:
        with pytest.raises(InvalidMqttSettingError) as caught:
            device.mqtt.configure_client(config)
        assert caught.value.field == field
    assert simulated.request_count(CLIENT_PATH) == 0  # nothing was sent


def test_the_device_names_missing_and_invalid_fields(http: httpx.Client) -> None:
    missing = rpc(http, CLIENT_PATH, "configureClient", {})
    assert missing["error"]["code"] == 2103
    assert "server" in missing["error"]["message"]
    no_host = rpc(http, CLIENT_PATH, "configureClient", {"server": {"protocol": "tcp"}})
    assert no_host["error"]["code"] == 2103
    assert "server.host" in no_host["error"]["message"]
    protocol = rpc(
        http, CLIENT_PATH, "configureClient", {"server": {"host": "b", "protocol": "mqtt"}}
    )
    assert protocol["error"]["code"] == 2104
    assert "server.protocol" in protocol["error"]["message"]
    will = rpc(
        http,
        CLIENT_PATH,
        "configureClient",
        {"server": {"host": "b"}, "lastWillTestament": {"useDefault": False, "topic": "t"}},
    )
    assert will["error"]["code"] == 2103
    assert "lastWillTestament.message" in will["error"]["message"]


def test_envelope_errors(http: httpx.Client) -> None:
    assert rpc(http, CLIENT_PATH, "getClientStatus", version="2.0")["error"]["code"] == 2100
    assert rpc(http, CLIENT_PATH, "frobnicate")["error"]["code"] == 2102
    invalid = http.post(CLIENT_PATH, content=b"{not json", headers={"content-type": "x"})
    assert invalid.json()["error"]["code"] == 2101


def test_a_request_over_64_kib_is_refused_with_2106(http: httpx.Client, device: Device) -> None:
    huge = [{"topicFilter": f"onvif:Device/axis:IO/Port{n}"} for n in range(3000)]
    answer = rpc(http, EVENT_PATH, "configureEventPublication", {"eventFilterList": huge})
    assert answer["error"]["code"] == 2106
    filters = tuple(PublicationFilter(f"onvif:Device/axis:IO/Port{n}") for n in range(3000))
    with pytest.raises(MqttRequestTooLargeError) as caught:
        device.mqtt.configure_publication(EventPublicationConfig(filters))
    assert caught.value.code == 2106


def test_an_operator_may_not_touch_the_mqtt_client(sim: Simulator) -> None:
    sim.devices[0].add_account("op", "op-pw", Level.OPERATOR)
    with Device(sim.urls[0], "op", "op-pw", retries=0) as operator:
        with pytest.raises(ForbiddenError):
            operator.mqtt.status()
        with pytest.raises(ForbiddenError):
            operator.mqtt.publication_config()


# --- event publication ----------------------------------------------------------------------


async def test_a_fresh_device_publishes_nothing(dev: Device | AsyncDevice) -> None:
    config = await resolve(dev.mqtt.publication_config())
    assert config == EventPublicationConfig()
    assert config.to_json() == {
        "topicPrefix": "default",
        "customTopicPrefix": "",
        "appendEventTopic": True,
        "includeTopicNamespaces": True,
        "includeSerialNumberInPayload": False,
        "eventFilterList": [],
    }


async def test_publication_round_trips_in_the_mqtt_spelling(dev: Device | AsyncDevice) -> None:
    wanted = EventPublicationConfig(
        filters=(
            PublicationFilter("tns1:Device/tnsaxis:IO/VirtualInput", 1, RetainPolicy.PROPERTY),
            PublicationFilter("onvif:Device/axis:Status//."),
        ),
        topic_prefix=TopicPrefix.CUSTOM,
        custom_topic_prefix="site/a",
        include_topic_namespaces=False,
        include_serial_number=True,
    )
    await resolve(dev.mqtt.configure_publication(wanted))
    got = await resolve(dev.mqtt.publication_config())
    assert got.filters[0] == PublicationFilter(
        "onvif:Device/axis:IO/VirtualInput", 1, RetainPolicy.PROPERTY
    )
    assert got.filters[1] == PublicationFilter("onvif:Device/axis:Status//.", 0, RetainPolicy.NONE)
    assert got.topic_prefix is TopicPrefix.CUSTOM
    assert got.custom_topic_prefix == "site/a"
    assert got.include_serial_number
    assert not got.include_topic_namespaces
    assert got.broker_prefix("axis/X") == "site/a"
    assert got.subscription_filter("axis/X") == "site/a/#"


def test_flags_left_out_keep_their_values(http: httpx.Client, device: Device) -> None:
    device.mqtt.configure_publication(EventPublicationConfig(include_serial_number=True))
    answer = rpc(
        http,
        EVENT_PATH,
        "configureEventPublication",
        {"eventFilterList": [{"topicFilter": "onvif:Device/axis:IO/VirtualInput"}]},
    )
    assert answer["data"] == {}
    config = device.mqtt.publication_config()
    assert config.include_serial_number
    assert config.filters == (PublicationFilter("onvif:Device/axis:IO/VirtualInput"),)


def test_publication_errors(http: httpx.Client, device: Device) -> None:
    with pytest.raises(InvalidMqttSettingError) as caught:
        device.mqtt.configure_publication(EventPublicationConfig(topic_prefix=TopicPrefix.CUSTOM))
    assert caught.value.field == "customTopicPrefix"
    with pytest.raises(MqttMissingParameterError):
        device.mqtt.configure_publication(
            EventPublicationConfig(topic_prefix=TopicPrefix.CUSTOM), validate=False
        )
    with pytest.raises(InvalidMqttSettingError):
        device.mqtt.configure_publication(EventPublicationConfig((PublicationFilter("a b"),)))
    with pytest.raises(InvalidMqttSettingError):
        device.mqtt.configure_publication(EventPublicationConfig((PublicationFilter("X", 3),)))
    # An explicit null is refused (real devices refuse or crash on it).
    for item in ({"topicFilter": "onvif:Device", "qos": None}, {"topicFilter": "x", "retain": 1}):
        answer = rpc(http, EVENT_PATH, "configureEventPublication", {"eventFilterList": [item]})
        assert answer["error"]["code"] == 2104
    missing = rpc(http, EVENT_PATH, "configureEventPublication", {})
    assert missing["error"]["code"] == 2103
    assert "eventFilterList" in missing["error"]["message"]


# --- subscriptions (event bridge 1.1) -------------------------------------------------------


async def test_subscriptions_round_trip(dev: Device | AsyncDevice) -> None:
    assert await resolve(dev.mqtt.subscriptions()) == []
    wanted = [
        MqttSubscription("Motion", stateful=True),
        MqttSubscription("building/+/door/#", qos=1),
        MqttSubscription("cmd", use_device_topic_prefix=True, qos=2),
    ]
    await resolve(dev.mqtt.configure_subscriptions(wanted))
    assert await resolve(dev.mqtt.subscriptions()) == wanted


def test_wildcards_only_in_stateless_subscriptions(device: Device, http: httpx.Client) -> None:
    with pytest.raises(InvalidMqttSettingError):
        device.mqtt.configure_subscriptions([MqttSubscription("a/+", stateful=True)])
    with pytest.raises(MqttInvalidParameterError) as caught:
        device.mqtt.configure_subscriptions(
            [MqttSubscription("a/#", stateful=True)], validate=False
        )
    assert "isStateData" in caught.value.message
    with pytest.raises(InvalidMqttSettingError):
        device.mqtt.configure_subscriptions([MqttSubscription("a/#/b")])
    answer = rpc(http, EVENT_PATH, "configureMqttSubscription", {}, version="1.1")
    assert answer["error"]["code"] == 2103


# --- parsing what firmware sends ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("connected", ConnectionStatus.CONNECTED),
        ("Connected", ConnectionStatus.CONNECTED),
        ("disconnected", ConnectionStatus.DISCONNECTED),
        ("not connected", ConnectionStatus.DISCONNECTED),
        ("Not Connected", ConnectionStatus.DISCONNECTED),
        ("reticulating", ConnectionStatus.UNKNOWN),
    ],
)
def test_connection_status_spellings(raw: str, expected: ConnectionStatus) -> None:
    status = ClientStatus.from_json(
        {"status": {"state": "Active", "connectionStatus": raw}, "config": {"server": {}}}
    )
    assert status.connection_status is expected
    assert status.raw_connection_status == raw
    assert status.state is ClientState.ACTIVE


def test_the_documented_status_answer_parses() -> None:
    answer = {
        "status": {"state": "inactive", "connectionStatus": "disconnected"},
        "config": {**DOC_EXAMPLE.to_json(), "password": "*****"},
    }
    status = ClientStatus.from_json(json.loads(json.dumps(answer)))
    assert status.config.server.url == "ssl://somebroker.somewhere.com:8883"
    assert status.config.last_will == Announcement.custom(
        "Camera_1/ConnectionStatus", "Connection Lost"
    )


def test_a_malformed_answer_is_reported(sim: Simulator, device: Device) -> None:
    bridge = sim.devices[0].mqtt
    assert bridge is not None
    bridge.publication = {**bridge.publication, "eventFilterList": [{"retain": "none"}]}
    with pytest.raises(MalformedResponseError) as caught:
        device.mqtt.publication_config()
    assert "topicFilter" in str(caught.value)
    assert not isinstance(caught.value, DeviceError)
