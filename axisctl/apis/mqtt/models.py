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
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from axisctl.apis.mqtt.errors import CLIENT_API, EVENT_API, InvalidMqttSettingError
from axisctl.apis.mqtt.topics import check_filter, check_topic, has_wildcards
from axisctl.errors import ParseError

#: How a device echoes a stored password.
MASKED_PASSWORD = "*****"  # noqa: S105 - the mask, not a password
#: "A URL with a maximum length of 255 bytes" (strobe manual L1836); ALPN has the same limit.
MAX_PROXY_BYTES = 255
MAX_ALPN_BYTES = 255


# --- reading JSON ---------------------------------------------------------------------------


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "a string", int: "an integer"}.get(
        type(value), f"a {type(value).__name__}"
    )


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParseError(f"{where} is {_kind(value)}, expected an object")
    return value


def _str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ParseError(f"{where}.{key} is {_kind(value)}, expected a string")
    return value


def _bool(obj: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise ParseError(f"{where}.{key} is {_kind(value)}, expected true or false")
    return value


def _int(obj: Mapping[str, Any], key: str, where: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParseError(f"{where}.{key} is {_kind(value)}, expected an integer")
    return value


def _put(body: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        body[key] = value


def _check_qos(qos: int | None, field: str, api: str) -> None:
    if qos is not None and (isinstance(qos, bool) or qos not in (0, 1, 2)):
        raise InvalidMqttSettingError(
            f"{field} {qos!r} is not a QoS level; use 0, 1 or 2",
            field=field,
            value=qos,
            allowed=(0, 1, 2),
            api=api,
        )


# --- the client (client.cgi) ----------------------------------------------------------------


class Protocol(enum.Enum):
    """How the device reaches its broker."""

    TCP = "tcp"
    SSL = "ssl"
    WS = "ws"
    WSS = "wss"

    @property
    def default_port(self) -> int:
        """1883, 8883, 80 or 443 (client API; strobe manual L1821-L1824)."""
        return DEFAULT_PORTS[self]

    @property
    def secure(self) -> bool:
        return self in (Protocol.SSL, Protocol.WSS)


DEFAULT_PORTS: dict[Protocol, int] = {
    Protocol.TCP: 1883,
    Protocol.SSL: 8883,
    Protocol.WS: 80,
    Protocol.WSS: 443,
}


@dataclass(frozen=True)
class BrokerServer:
    """Where the broker is. ``port=None`` means the protocol's default port.

    ``basepath`` is the URL path of a WebSocket broker (``ws``/``wss`` only);
    ``alpn_protocol`` the ALPN name to offer over ``ssl``/``wss``.
    """

    host: str
    protocol: Protocol = Protocol.TCP
    port: int | None = None
    basepath: str | None = None
    alpn_protocol: str | None = None

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else self.protocol.default_port

    @property
    def url(self) -> str:
        """``tcp://broker:1883``, ``wss://broker:443/mqtt``: for messages and logs."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        path = ""
        if self.basepath and self.protocol in (Protocol.WS, Protocol.WSS):
            path = "/" + self.basepath.lstrip("/")
        return f"{self.protocol.value}://{host}:{self.effective_port}{path}"

    def validate(self) -> None:
        if not self.host.strip() or any(c.isspace() for c in self.host):
            raise InvalidMqttSettingError(
                f"broker host {self.host!r:.80} is not a host name or address",
                field="server.host",
                value=self.host,
            )
        if self.port is not None and (isinstance(self.port, bool) or not 1 <= self.port <= 65535):
            raise InvalidMqttSettingError(
                f"broker port {self.port!r} is out of range; use 1-65535",
                field="server.port",
                value=self.port,
            )
        if self.alpn_protocol is not None and len(self.alpn_protocol.encode()) > MAX_ALPN_BYTES:
            raise InvalidMqttSettingError(
                f"ALPN protocol is longer than {MAX_ALPN_BYTES} bytes",
                field="server.alpnProtocol",
                value=self.alpn_protocol,
            )

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"protocol": self.protocol.value, "host": self.host}
        _put(body, "port", self.port)
        _put(body, "basepath", self.basepath)
        _put(body, "alpnProtocol", self.alpn_protocol)
        return body

    @classmethod
    def from_json(cls, value: Any, where: str = "server") -> BrokerServer:
        obj = _object(value, where)
        raw_protocol = _str(obj, "protocol", where) or "tcp"
        try:
            protocol = Protocol(raw_protocol.lower())
        except ValueError:
            raise ParseError(
                f"{where}.protocol {raw_protocol!r:.40} is not tcp, ssl, ws or wss"
            ) from None
        return cls(
            host=_str(obj, "host", where) or "",
            protocol=protocol,
            port=_int(obj, "port", where),
            basepath=_str(obj, "basepath", where) or None,
            alpn_protocol=_str(obj, "alpnProtocol", where) or None,
        )


@dataclass(frozen=True)
class Announcement:
    """A connect, disconnect or last-will message.

    ``Announcement()`` is the device's default (``<device topic prefix>/event/connection``,
    a JSON status, QoS 1, retained); :meth:`custom` gives your own topic and payload.
    """

    use_default: bool = True
    topic: str | None = None
    message: str | None = None
    retain: bool | None = None
    qos: int | None = None

    @classmethod
    def custom(cls, topic: str, message: str, *, retain: bool = True, qos: int = 1) -> Announcement:
        return cls(False, topic, message, retain, qos)

    def validate(self, name: str) -> None:
        if self.use_default:
            return
        for attr in ("topic", "message", "retain", "qos"):
            if getattr(self, attr) is None:
                raise InvalidMqttSettingError(
                    f"{name}: {attr} is needed when the default message is not used",
                    field=f"{name}.{attr}",
                )
        assert self.topic is not None
        problem = check_topic(self.topic)
        if problem is not None:
            raise InvalidMqttSettingError(
                f"{name}: topic {self.topic!r:.80} {problem}", field=f"{name}.topic"
            )
        _check_qos(self.qos, f"{name}.qos", CLIENT_API)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"useDefault": self.use_default}
        if not self.use_default:
            _put(body, "topic", self.topic)
            _put(body, "message", self.message)
            _put(body, "retain", self.retain)
            _put(body, "qos", self.qos)
        return body

    @classmethod
    def from_json(cls, value: Any, where: str) -> Announcement:
        obj = _object(value, where)
        use_default = _bool(obj, "useDefault", where)
        return cls(
            use_default=True if use_default is None else use_default,
            topic=_str(obj, "topic", where),
            message=_str(obj, "message", where),
            retain=_bool(obj, "retain", where),
            qos=_int(obj, "qos", where),
        )


@dataclass(frozen=True)
class SslSettings:
    """TLS options for ``ssl``/``wss``; certificate ids name certificates stored on the device."""

    validate_server_cert: bool = True
    client_cert_id: str | None = None
    ca_cert_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"validateServerCert": self.validate_server_cert}
        _put(body, "clientCertID", self.client_cert_id)
        _put(body, "CACertID", self.ca_cert_id)
        return body

    @classmethod
    def from_json(cls, value: Any, where: str = "ssl") -> SslSettings:
        obj = _object(value, where)
        validate = _bool(obj, "validateServerCert", where)
        return cls(
            validate_server_cert=bool(validate),
            client_cert_id=_str(obj, "clientCertID", where),
            ca_cert_id=_str(obj, "CACertID", where),
        )


_ANNOUNCEMENTS = (
    ("last_will", "lastWillTestament"),
    ("connect_message", "connectMessage"),
    ("disconnect_message", "disconnectMessage"),
)


@dataclass(frozen=True)
class ClientConfig:
    """Everything ``configureClient`` takes. ``configureClient`` replaces the whole
    configuration: what is ``None`` here gets the device's default.

    ``keep_existing_password`` keeps the password the device already stores (``password``
    is then not sent). A configuration read back with :meth:`MqttAPI.status` has it set
    when the device holds a password, so sending that configuration back, changed or not,
    keeps the password instead of erasing it.
    """

    server: BrokerServer
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    keep_existing_password: bool = False
    client_id: str | None = None
    keep_alive_interval: int | None = None
    connect_timeout: int | None = None
    clean_session: bool | None = None
    auto_reconnect: bool | None = None
    device_topic_prefix: str | None = None
    last_will: Announcement | None = None
    connect_message: Announcement | None = None
    disconnect_message: Announcement | None = None
    ssl: SslSettings | None = None
    http_proxy: str | None = None
    https_proxy: str | None = None

    def validate(self) -> None:
        self.server.validate()
        for name, value, low, high in (
            ("keepAliveInterval", self.keep_alive_interval, 0, 65535),
            ("connectTimeout", self.connect_timeout, 1, 3600),
        ):
            if value is not None and (isinstance(value, bool) or not low <= value <= high):
                raise InvalidMqttSettingError(
                    f"{name} {value!r} is out of range; use {low}-{high} seconds",
                    field=name,
                    value=value,
                )
        for name, proxy in (("httpProxy", self.http_proxy), ("httpsProxy", self.https_proxy)):
            if proxy is not None and len(proxy.encode()) > MAX_PROXY_BYTES:
                raise InvalidMqttSettingError(
                    f"{name} is {len(proxy.encode())} bytes; at most {MAX_PROXY_BYTES}",
                    field=name,
                    value=proxy,
                )
        if self.device_topic_prefix is not None:
            problem = check_topic(self.device_topic_prefix)
            if problem is not None:
                raise InvalidMqttSettingError(
                    f"device topic prefix {self.device_topic_prefix!r:.80} {problem}",
                    field="deviceTopicPrefix",
                    value=self.device_topic_prefix,
                )
        for attr, name in _ANNOUNCEMENTS:
            announcement: Announcement | None = getattr(self, attr)
            if announcement is not None:
                announcement.validate(name)

    def to_json(self) -> dict[str, Any]:
        """The ``configureClient`` params, password included (never log this)."""
        body: dict[str, Any] = {"server": self.server.to_json()}
        _put(body, "httpProxy", self.http_proxy)
        _put(body, "httpsProxy", self.https_proxy)
        _put(body, "username", self.username)
        if self.keep_existing_password:
            body["keepExistingPassword"] = True
        else:
            _put(body, "password", self.password)
        _put(body, "clientId", self.client_id)
        _put(body, "keepAliveInterval", self.keep_alive_interval)
        _put(body, "connectTimeout", self.connect_timeout)
        _put(body, "cleanSession", self.clean_session)
        _put(body, "autoReconnect", self.auto_reconnect)
        _put(body, "deviceTopicPrefix", self.device_topic_prefix)
        for attr, name in _ANNOUNCEMENTS:
            announcement: Announcement | None = getattr(self, attr)
            if announcement is not None:
                body[name] = announcement.to_json()
        if self.ssl is not None:
            body["ssl"] = self.ssl.to_json()
        return body

    def to_display_json(self) -> dict[str, Any]:
        """As :meth:`to_json` with the password masked: safe to print or log."""
        body = self.to_json()
        body.pop("keepExistingPassword", None)
        if self.password is not None or self.keep_existing_password:
            body["password"] = MASKED_PASSWORD
        return body

    @classmethod
    def from_json(cls, value: Any, where: str = "config") -> ClientConfig:
        obj = _object(value, where)
        password = _str(obj, "password", where)
        announcements = {
            attr: Announcement.from_json(obj[name], f"{where}.{name}")
            for attr, name in _ANNOUNCEMENTS
            if obj.get(name) is not None
        }
        return cls(
            server=BrokerServer.from_json(obj.get("server"), f"{where}.server"),
            username=_str(obj, "username", where),
            # A device never gives a password back; "*****" only says one is stored.
            password=None,
            keep_existing_password=bool(password),
            client_id=_str(obj, "clientId", where),
            keep_alive_interval=_int(obj, "keepAliveInterval", where),
            connect_timeout=_int(obj, "connectTimeout", where),
            clean_session=_bool(obj, "cleanSession", where),
            auto_reconnect=_bool(obj, "autoReconnect", where),
            device_topic_prefix=_str(obj, "deviceTopicPrefix", where),
            ssl=SslSettings.from_json(obj["ssl"], f"{where}.ssl")
            if obj.get("ssl") is not None
            else None,
            http_proxy=_str(obj, "httpProxy", where),
            https_proxy=_str(obj, "httpsProxy", where),
            **announcements,
        )


class ClientState(enum.Enum):
    """Whether the client is switched on. Unknown spellings arrive as ``UNKNOWN``."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: str) -> ClientState:
        try:
            return cls(value.strip().lower())
        except ValueError:
            return cls.UNKNOWN


class ConnectionStatus(enum.Enum):
    """Whether the client is connected to its broker.

    Firmware spells it ``connected``/``disconnected``; some say ``not connected`` or
    ``Connected`` (Kane610/axis fixtures), which parse to the same members.
    """

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: str) -> ConnectionStatus:
        text = " ".join(value.strip().lower().replace("_", " ").split())
        if text in ("not connected", "disconnected", "unconnected"):
            return cls.DISCONNECTED
        if text == "connected":
            return cls.CONNECTED
        return cls.UNKNOWN


@dataclass(frozen=True)
class ClientStatus:
    """``getClientStatus``: state, connection and the configuration (password masked)."""

    state: ClientState
    connection_status: ConnectionStatus
    config: ClientConfig
    raw_state: str = ""
    raw_connection_status: str = ""

    @property
    def active(self) -> bool:
        return self.state is ClientState.ACTIVE

    @property
    def connected(self) -> bool:
        return self.connection_status is ConnectionStatus.CONNECTED

    @classmethod
    def from_json(cls, value: Any) -> ClientStatus:
        data = _object(value, "data")
        status = _object(data.get("status"), "status")
        state = _str(status, "state", "status") or ""
        connection = _str(status, "connectionStatus", "status") or ""
        return cls(
            state=ClientState.parse(state),
            connection_status=ConnectionStatus.parse(connection),
            config=ClientConfig.from_json(data.get("config", {"server": {}})),
            raw_state=state,
            raw_connection_status=connection,
        )


# --- event publication and subscriptions (event.cgi) ---------------------------------------


class RetainPolicy(enum.Enum):
    """Which published events the broker keeps for new subscribers."""

    NONE = "none"
    #: Only stateful ("property") events; the broker then holds each one's last state.
    PROPERTY = "property"
    ALL = "all"


class TopicPrefix(enum.Enum):
    #: ``<device topic prefix>/event``.
    DEFAULT = "default"
    #: :attr:`EventPublicationConfig.custom_topic_prefix`.
    CUSTOM = "custom"


@dataclass(frozen=True)
class PublicationFilter:
    """Publish the events matching ``topic_filter``, in the ``onvif:``/``axis:`` spelling
    (``"onvif:Device/axis:IO/VirtualInput"``, ``"onvif:Device/axis:Status//."``); the
    ``tns1:``/``tnsaxis:`` spelling is converted. An event matching two filters is
    published twice."""

    topic_filter: str
    qos: int = 0
    retain: RetainPolicy = RetainPolicy.NONE

    def validate(self) -> None:
        # Imported here: axisctl.events imports much that `import axisctl` can do without,
        # and may import the device facade, which imports this module.
        from axisctl.events.filters import FilterError, TopicFilter

        try:
            TopicFilter(self.topic_filter)
        except FilterError as exc:
            raise InvalidMqttSettingError(
                exc.message, field="topicFilter", value=self.topic_filter, api=EVENT_API
            ) from None
        _check_qos(self.qos, "qos", EVENT_API)

    def to_json(self) -> dict[str, Any]:
        return {
            "topicFilter": _mqtt_spelling(self.topic_filter),
            "qos": self.qos,
            "retain": self.retain.value,
        }

    @classmethod
    def from_json(cls, value: Any, where: str) -> PublicationFilter:
        obj = _object(value, where)
        topic_filter = _str(obj, "topicFilter", where)
        if topic_filter is None:
            raise ParseError(f"{where}.topicFilter is missing")
        raw_retain = _str(obj, "retain", where) or "none"
        try:
            retain = RetainPolicy(raw_retain.lower())
        except ValueError:
            raise ParseError(
                f"{where}.retain {raw_retain!r:.40} is not none, property or all"
            ) from None
        qos = _int(obj, "qos", where)
        return cls(topic_filter, 0 if qos is None else qos, retain)


def _mqtt_spelling(expression: str) -> str:
    # The bridge documents the onvif:/axis: spelling; accept the websocket one as well.
    from axisctl.events.models import mqtt_topic

    return "|".join(mqtt_topic(part.strip()) for part in expression.split("|"))


@dataclass(frozen=True)
class EventPublicationConfig:
    """``configureEventPublication``: which events the device publishes and where.

    ``configureEventPublication`` replaces the filter list as a whole, and the flags apply
    to every event the device publishes; read the current configuration, change it and
    send it back (``dataclasses.replace``) to keep what others set up.
    """

    filters: tuple[PublicationFilter, ...] = ()
    topic_prefix: TopicPrefix = TopicPrefix.DEFAULT
    custom_topic_prefix: str = ""
    append_event_topic: bool = True
    include_topic_namespaces: bool = True
    include_serial_number: bool = False

    def validate(self) -> None:
        if self.topic_prefix is TopicPrefix.CUSTOM and not self.custom_topic_prefix:
            raise InvalidMqttSettingError(
                "a custom topic prefix is needed with topic_prefix CUSTOM",
                field="customTopicPrefix",
                api=EVENT_API,
            )
        if self.custom_topic_prefix:
            problem = check_topic(self.custom_topic_prefix)
            if problem is not None:
                raise InvalidMqttSettingError(
                    f"custom topic prefix {self.custom_topic_prefix!r:.80} {problem}",
                    field="customTopicPrefix",
                    value=self.custom_topic_prefix,
                    api=EVENT_API,
                )
        for item in self.filters:
            item.validate()

    def broker_prefix(self, device_topic_prefix: str) -> str:
        """The topic every published event starts with, given the client's device prefix."""
        if self.topic_prefix is TopicPrefix.CUSTOM:
            return self.custom_topic_prefix
        return f"{device_topic_prefix}/event"

    def subscription_filter(self, device_topic_prefix: str) -> str:
        """An MQTT filter for every event this configuration publishes (``<prefix>/#``)."""
        return f"{self.broker_prefix(device_topic_prefix)}/#"

    def to_json(self) -> dict[str, Any]:
        return {
            "topicPrefix": self.topic_prefix.value,
            "customTopicPrefix": self.custom_topic_prefix,
            "appendEventTopic": self.append_event_topic,
            "includeTopicNamespaces": self.include_topic_namespaces,
            "includeSerialNumberInPayload": self.include_serial_number,
            "eventFilterList": [item.to_json() for item in self.filters],
        }

    @classmethod
    def from_json(cls, value: Any, where: str = "eventPublicationConfig") -> EventPublicationConfig:
        obj = _object(value, where)
        raw_prefix = _str(obj, "topicPrefix", where) or "default"
        try:
            prefix = TopicPrefix(raw_prefix.lower())
        except ValueError:
            raise ParseError(
                f"{where}.topicPrefix {raw_prefix!r:.40} is not default or custom"
            ) from None
        items = obj.get("eventFilterList") or []
        if not isinstance(items, list):
            raise ParseError(f"{where}.eventFilterList is {_kind(items)}, expected a list")

        def flag(key: str, default: bool) -> bool:
            value = _bool(obj, key, where)
            return default if value is None else value

        return cls(
            filters=tuple(
                PublicationFilter.from_json(item, f"{where}.eventFilterList[{index}]")
                for index, item in enumerate(items)
            ),
            topic_prefix=prefix,
            custom_topic_prefix=_str(obj, "customTopicPrefix", where) or "",
            append_event_topic=flag("appendEventTopic", True),
            include_topic_namespaces=flag("includeTopicNamespaces", True),
            include_serial_number=flag("includeSerialNumberInPayload", False),
        )


@dataclass(frozen=True)
class MqttSubscription:
    """One MQTT topic filter the device subscribes to on its broker (event bridge 1.1).

    Messages on it become device events that rules can use: ``stateful=True`` (the
    manual's "Stateful" type, ``isStateData``) makes the payload a state, as the strobe
    manual's "MQTT > Stateful" rule condition needs; stateless ones are one-off events.
    Wildcards ``+`` and ``#`` are allowed only in stateless subscriptions.
    ``use_device_topic_prefix`` puts the client's device topic prefix in front.
    """

    topic_filter: str
    stateful: bool = False
    qos: int = 0
    use_device_topic_prefix: bool = False

    def validate(self) -> None:
        problem = check_filter(self.topic_filter)
        if problem is not None:
            raise InvalidMqttSettingError(
                f"subscription filter {self.topic_filter!r:.80} {problem}",
                field="topicFilter",
                value=self.topic_filter,
                api=EVENT_API,
            )
        if self.stateful and has_wildcards(self.topic_filter):
            raise InvalidMqttSettingError(
                f"subscription filter {self.topic_filter!r:.80}: '+' and '#' are allowed "
                "only in stateless subscriptions",
                field="topicFilter",
                value=self.topic_filter,
                api=EVENT_API,
            )
        _check_qos(self.qos, "qos", EVENT_API)

    def to_json(self) -> dict[str, Any]:
        return {
            "topicFilter": self.topic_filter,
            "useDeviceTopicPrefix": self.use_device_topic_prefix,
            "qos": self.qos,
            "isStateData": self.stateful,
        }

    @classmethod
    def from_json(cls, value: Any, where: str) -> MqttSubscription:
        obj = _object(value, where)
        topic_filter = _str(obj, "topicFilter", where)
        if topic_filter is None:
            raise ParseError(f"{where}.topicFilter is missing")
        qos = _int(obj, "qos", where)
        return cls(
            topic_filter=topic_filter,
            stateful=bool(_bool(obj, "isStateData", where)),
            qos=0 if qos is None else qos,
            use_device_topic_prefix=bool(_bool(obj, "useDeviceTopicPrefix", where)),
        )
