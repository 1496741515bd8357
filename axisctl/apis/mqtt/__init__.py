"""MQTT: the device's client (``mqtt/client.cgi``) and event bridge (``mqtt/event.cgi``).

>>> with Device("http://192.168.0.90", "root", "secret") as cam:        # doctest: +SKIP
...     cam.mqtt.configure_client(ClientConfig(BrokerServer("broker.local")))
...     cam.mqtt.configure_publication(
...         EventPublicationConfig((PublicationFilter("onvif:Device/axis:IO//."),)))
...     cam.mqtt.activate()
...     print(cam.mqtt.status().connected)

Reading the published events back from the broker: :mod:`axisctl.events.mqtt`.
"""

from axisctl.apis.mqtt.api import CLIENT_PATH, EVENT_PATH, MqttAPI
from axisctl.apis.mqtt.errors import (
    CLIENT_API,
    EVENT_API,
    InvalidMqttSettingError,
    MqttError,
    MqttInternalError,
    MqttInvalidParameterError,
    MqttMissingParameterError,
    MqttRequestError,
    MqttRequestTooLargeError,
    MqttVersionError,
)
from axisctl.apis.mqtt.models import (
    DEFAULT_PORTS,
    MASKED_PASSWORD,
    Announcement,
    BrokerServer,
    ClientConfig,
    ClientState,
    ClientStatus,
    ConnectionStatus,
    EventPublicationConfig,
    MqttSubscription,
    Protocol,
    PublicationFilter,
    RetainPolicy,
    SslSettings,
    TopicPrefix,
)

__all__ = [
    "CLIENT_API",
    "CLIENT_PATH",
    "DEFAULT_PORTS",
    "EVENT_API",
    "EVENT_PATH",
    "MASKED_PASSWORD",
    "Announcement",
    "BrokerServer",
    "ClientConfig",
    "ClientState",
    "ClientStatus",
    "ConnectionStatus",
    "EventPublicationConfig",
    "InvalidMqttSettingError",
    "MqttAPI",
    "MqttError",
    "MqttInternalError",
    "MqttInvalidParameterError",
    "MqttMissingParameterError",
    "MqttRequestError",
    "MqttRequestTooLargeError",
    "MqttSubscription",
    "MqttVersionError",
    "Protocol",
    "PublicationFilter",
    "RetainPolicy",
    "SslSettings",
    "TopicPrefix",
]
