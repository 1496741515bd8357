"""The device's MQTT client (``mqtt/client.cgi``): broker, configuration, TLS and status."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from axisctl.apis._json import expect_object, opt_int, opt_str
from axisctl.apis.mqtt.errors import CLIENT_API, InvalidMqttSettingError
from axisctl.apis.mqtt.fields import check_qos, get_bool, get_enum, put
from axisctl.apis.mqtt.topics import check_topic

#: How a device echoes a stored password.
MASKED_PASSWORD = "*****"  # noqa: S105 - the mask, not a password
#: "A URL with a maximum length of 255 bytes" (strobe manual L1836); ALPN has the same limit.
MAX_PROXY_BYTES = 255
MAX_ALPN_BYTES = 255


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
        put(body, "port", self.port)
        put(body, "basepath", self.basepath)
        put(body, "alpnProtocol", self.alpn_protocol)
        return body

    @classmethod
    def from_json(cls, value: Any, where: str = "server") -> BrokerServer:
        obj = expect_object(value, where)
        return cls(
            host=opt_str(obj, "host", where) or "",
            protocol=get_enum(obj, "protocol", where, Protocol, Protocol.TCP),
            port=opt_int(obj, "port", where),
            basepath=opt_str(obj, "basepath", where) or None,
            alpn_protocol=opt_str(obj, "alpnProtocol", where) or None,
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
        check_qos(self.qos, f"{name}.qos", CLIENT_API)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"useDefault": self.use_default}
        if not self.use_default:
            put(body, "topic", self.topic)
            put(body, "message", self.message)
            put(body, "retain", self.retain)
            put(body, "qos", self.qos)
        return body

    @classmethod
    def from_json(cls, value: Any, where: str) -> Announcement:
        obj = expect_object(value, where)
        use_default = get_bool(obj, "useDefault", where)
        return cls(
            use_default=True if use_default is None else use_default,
            topic=opt_str(obj, "topic", where),
            message=opt_str(obj, "message", where),
            retain=get_bool(obj, "retain", where),
            qos=opt_int(obj, "qos", where),
        )


@dataclass(frozen=True)
class SslSettings:
    """TLS options for ``ssl``/``wss``; certificate ids name certificates stored on the device."""

    validate_server_cert: bool = True
    client_cert_id: str | None = None
    ca_cert_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"validateServerCert": self.validate_server_cert}
        put(body, "clientCertID", self.client_cert_id)
        put(body, "CACertID", self.ca_cert_id)
        return body

    @classmethod
    def from_json(cls, value: Any, where: str = "ssl") -> SslSettings:
        obj = expect_object(value, where)
        validate = get_bool(obj, "validateServerCert", where)
        return cls(
            validate_server_cert=bool(validate),
            client_cert_id=opt_str(obj, "clientCertID", where),
            ca_cert_id=opt_str(obj, "CACertID", where),
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
        put(body, "httpProxy", self.http_proxy)
        put(body, "httpsProxy", self.https_proxy)
        put(body, "username", self.username)
        if self.keep_existing_password:
            body["keepExistingPassword"] = True
        else:
            put(body, "password", self.password)
        put(body, "clientId", self.client_id)
        put(body, "keepAliveInterval", self.keep_alive_interval)
        put(body, "connectTimeout", self.connect_timeout)
        put(body, "cleanSession", self.clean_session)
        put(body, "autoReconnect", self.auto_reconnect)
        put(body, "deviceTopicPrefix", self.device_topic_prefix)
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
        obj = expect_object(value, where)
        password = opt_str(obj, "password", where)
        announcements = {
            attr: Announcement.from_json(obj[name], f"{where}.{name}")
            for attr, name in _ANNOUNCEMENTS
            if obj.get(name) is not None
        }
        return cls(
            server=BrokerServer.from_json(obj.get("server"), f"{where}.server"),
            username=opt_str(obj, "username", where),
            # A device never gives a password back; "*****" only says one is stored.
            password=None,
            keep_existing_password=bool(password),
            client_id=opt_str(obj, "clientId", where),
            keep_alive_interval=opt_int(obj, "keepAliveInterval", where),
            connect_timeout=opt_int(obj, "connectTimeout", where),
            clean_session=get_bool(obj, "cleanSession", where),
            auto_reconnect=get_bool(obj, "autoReconnect", where),
            device_topic_prefix=opt_str(obj, "deviceTopicPrefix", where),
            ssl=SslSettings.from_json(obj["ssl"], f"{where}.ssl")
            if obj.get("ssl") is not None
            else None,
            http_proxy=opt_str(obj, "httpProxy", where),
            https_proxy=opt_str(obj, "httpsProxy", where),
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
        data = expect_object(value, "data")
        status = expect_object(data.get("status"), "status")
        state = opt_str(status, "state", "status") or ""
        connection = opt_str(status, "connectionStatus", "status") or ""
        return cls(
            state=ClientState.parse(state),
            connection_status=ConnectionStatus.parse(connection),
            config=ClientConfig.from_json(data.get("config", {"server": {}})),
            raw_state=state,
            raw_connection_status=connection,
        )
