"""Settings and status of a device's MQTT client and event bridge, as typed models.

Every model is a frozen dataclass with ``to_json()`` (the wire shape sent to the device)
and ``from_json()`` (which checks only the shape and raises
:class:`~axisctl.errors.ParseError` naming the field). Range checks that need no device are
in ``validate()``, raising :class:`~axisctl.apis.mqtt.errors.InvalidMqttSettingError`
before anything is sent.

Fields left ``None`` are not sent, so the device applies its own default (port 1883 for
``tcp``, keep-alive and connect timeout 60 s, automatic reconnection on, device topic
prefix ``axis/<serial>``).

The broker password is never shown: ``repr()`` leaves it out, and the device echoes it as
``"*****"``, which :meth:`ClientConfig.from_json` reads as "a password is stored" (see
:attr:`ClientConfig.keep_existing_password`).

Layout: :mod:`~axisctl.apis.mqtt.client_models` (``client.cgi``),
:mod:`~axisctl.apis.mqtt.publication_models` (``event.cgi``) and
:mod:`~axisctl.apis.mqtt.fields` (the JSON field readers they share); this module gathers
their models.
"""

from axisctl.apis.mqtt.client_models import (
    DEFAULT_PORTS,
    MASKED_PASSWORD,
    MAX_ALPN_BYTES,
    MAX_PROXY_BYTES,
    Announcement,
    BrokerServer,
    ClientConfig,
    ClientState,
    ClientStatus,
    ConnectionStatus,
    Protocol,
    SslSettings,
)
from axisctl.apis.mqtt.publication_models import (
    EventPublicationConfig,
    MqttSubscription,
    PublicationFilter,
    RetainPolicy,
    TopicPrefix,
)

__all__ = [
    "DEFAULT_PORTS",
    "MASKED_PASSWORD",
    "MAX_ALPN_BYTES",
    "MAX_PROXY_BYTES",
    "Announcement",
    "BrokerServer",
    "ClientConfig",
    "ClientState",
    "ClientStatus",
    "ConnectionStatus",
    "EventPublicationConfig",
    "MqttSubscription",
    "Protocol",
    "PublicationFilter",
    "RetainPolicy",
    "SslSettings",
    "TopicPrefix",
]
