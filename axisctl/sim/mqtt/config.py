"""Settings of a simulated device's MQTT client and event bridge, checked as the device does.

Each ``parse_*`` function takes the ``params`` of a request and returns the stored form: the
wire form with every default filled in, which is also what the ``get*`` methods echo. A
refused value raises :class:`MqttConfigError` with the general error code of the MQTT APIs
(2103 missing, 2104 invalid) and a message naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from axisctl.apis._json import kind
from axisctl.events.filters import TopicFilter
from axisctl.sim.mqtt.topics import check_filter, check_topic, has_wildcards

MISSING = 2103
INVALID = 2104

#: Default broker port of each ``server.protocol`` (client API; manual L1821-L1824).
DEFAULT_PORTS = {"tcp": 1883, "ssl": 8883, "ws": 80, "wss": 443}
#: "A URL with a maximum length of 255 bytes" (manual L1836), and the same for ALPN.
MAX_PROXY_BYTES = 255
MAX_ALPN_BYTES = 255
#: The password as ``getClientStatus`` echoes it.
MASKED_PASSWORD = "*****"
RETAIN_POLICIES = ("none", "property", "all")
TOPIC_PREFIXES = ("default", "custom")
_MESSAGES = ("lastWillTestament", "connectMessage", "disconnectMessage")


class MqttConfigError(Exception):
    """A refused setting; ``code`` is 2103 or 2104."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _missing(field: str) -> MqttConfigError:
    return MqttConfigError(MISSING, f"Required parameter missing: {field}")


def _invalid(field: str, why: str) -> MqttConfigError:
    return MqttConfigError(INVALID, f"Invalid parameter value specified: {field} {why}")


def _opt_str(obj: Mapping[str, Any], key: str, where: str, default: str) -> str:
    if key not in obj:
        return default
    value = obj[key]
    if not isinstance(value, str):
        raise _invalid(f"{where}{key}", f"is {kind(value)}, expected a string")
    return value


def _opt_bool(obj: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
    if key not in obj:
        return default
    value = obj[key]
    if not isinstance(value, bool):
        raise _invalid(f"{where}{key}", f"is {kind(value)}, expected true or false")
    return value


def _opt_int(
    obj: Mapping[str, Any], key: str, where: str, default: int, low: int, high: int
) -> int:
    if key not in obj:
        return default
    value = obj[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid(f"{where}{key}", f"is {kind(value)}, expected an integer")
    if not low <= value <= high:
        raise _invalid(f"{where}{key}", f"is {value}, expected {low}-{high}")
    return value


def _qos(obj: Mapping[str, Any], where: str) -> int:
    # An explicit null is refused (acap-rs notes on AXIS OS 11.11); omit the field instead.
    return _opt_int(obj, "qos", where, 0, 0, 2)


def _object(obj: Mapping[str, Any], key: str, where: str) -> dict[str, Any] | None:
    if key not in obj:
        return None
    value = obj[key]
    if not isinstance(value, dict):
        raise _invalid(f"{where}{key}", f"is {kind(value)}, expected an object")
    return value


def _filter_list(params: Mapping[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The entries of the required list ``params[key]``, each checked to be an object with
    a string ``topicFilter``, as ``(where, entry, topicFilter)``; ``where`` names the entry
    in error messages (``"eventFilterList[2]."``)."""
    if key not in params:
        raise _missing(key)
    raw = params[key]
    if not isinstance(raw, list):
        raise _invalid(key, f"is {kind(raw)}, expected a list")
    for index, item in enumerate(raw):
        where = f"{key}[{index}]."
        if not isinstance(item, dict):
            raise _invalid(where[:-1], f"is {kind(item)}, expected an object")
        if "topicFilter" not in item:
            raise _missing(f"{where}topicFilter")
        yield where, item, _opt_str(item, "topicFilter", where, "")


# --- client.cgi -----------------------------------------------------------------------------


def default_client_config(serial: str) -> dict[str, Any]:
    """What ``getClientStatus`` shows before any ``configureClient``."""
    return {
        "server": {"protocol": "tcp", "host": "", "port": DEFAULT_PORTS["tcp"]},
        "username": "",
        "clientId": serial,
        "keepAliveInterval": 60,
        "connectTimeout": 60,
        "cleanSession": True,
        "autoReconnect": True,
        "deviceTopicPrefix": f"axis/{serial}",
    }


def _server(params: Mapping[str, Any]) -> dict[str, Any]:
    if "server" not in params:
        raise _missing("server")
    raw = _object(params, "server", "")
    assert raw is not None
    if "host" not in raw:
        raise _missing("server.host")
    host = _opt_str(raw, "host", "server.", "")
    if not host.strip() or any(c.isspace() for c in host):
        raise _invalid("server.host", f"{host!r:.80} is not a host name or address")
    protocol = _opt_str(raw, "protocol", "server.", "tcp")
    if protocol not in DEFAULT_PORTS:
        raise _invalid("server.protocol", f"{protocol!r:.40} is not one of tcp, ssl, ws, wss")
    server: dict[str, Any] = {
        "protocol": protocol,
        "host": host,
        "port": _opt_int(raw, "port", "server.", DEFAULT_PORTS[protocol], 1, 65535),
    }
    basepath = _opt_str(raw, "basepath", "server.", "")
    if basepath:
        server["basepath"] = basepath
    alpn = _opt_str(raw, "alpnProtocol", "server.", "")
    if len(alpn.encode()) > MAX_ALPN_BYTES:
        raise _invalid("server.alpnProtocol", f"is longer than {MAX_ALPN_BYTES} bytes")
    if alpn:
        server["alpnProtocol"] = alpn
    return server


def _message(params: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    raw = _object(params, key, "")
    if raw is None:
        return None
    if "useDefault" not in raw:
        raise _missing(f"{key}.useDefault")
    if _opt_bool(raw, "useDefault", f"{key}.", True):
        return {"useDefault": True}
    for field in ("topic", "message", "retain", "qos"):
        if field not in raw:
            raise _missing(f"{key}.{field} (required when useDefault is false)")
    topic = _opt_str(raw, "topic", f"{key}.", "")
    problem = check_topic(topic)
    if problem is not None:
        raise _invalid(f"{key}.topic", problem)
    return {
        "useDefault": False,
        "topic": topic,
        "message": _opt_str(raw, "message", f"{key}.", ""),
        "retain": _opt_bool(raw, "retain", f"{key}.", False),
        "qos": _qos(raw, f"{key}."),
    }


def parse_client_config(
    params: Mapping[str, Any], *, serial: str, stored_password: str | None
) -> tuple[dict[str, Any], str | None]:
    """``configureClient`` params → (stored config without password, password).

    The whole configuration is replaced: what the request leaves out takes its default,
    except the password when ``keepExistingPassword`` is true.
    """
    defaults = default_client_config(serial)
    config: dict[str, Any] = {"server": _server(params)}
    for key in ("httpProxy", "httpsProxy"):
        proxy = _opt_str(params, key, "", "")
        if len(proxy.encode()) > MAX_PROXY_BYTES:
            raise _invalid(key, f"is longer than {MAX_PROXY_BYTES} bytes")
        if proxy:
            config[key] = proxy
    config["username"] = _opt_str(params, "username", "", "")
    keep = _opt_bool(params, "keepExistingPassword", "", False)
    password = _opt_str(params, "password", "", "")
    kept = stored_password if keep else (password or None)
    config["clientId"] = _opt_str(params, "clientId", "", defaults["clientId"])
    config["keepAliveInterval"] = _opt_int(
        params, "keepAliveInterval", "", defaults["keepAliveInterval"], 0, 65535
    )
    config["connectTimeout"] = _opt_int(
        params, "connectTimeout", "", defaults["connectTimeout"], 1, 3600
    )
    config["cleanSession"] = _opt_bool(params, "cleanSession", "", defaults["cleanSession"])
    if not config["clientId"] and not config["cleanSession"]:
        raise _invalid("clientId", "may be empty only with cleanSession true")
    config["autoReconnect"] = _opt_bool(params, "autoReconnect", "", defaults["autoReconnect"])
    prefix = _opt_str(params, "deviceTopicPrefix", "", defaults["deviceTopicPrefix"])
    problem = check_topic(prefix)
    if problem is not None:
        raise _invalid("deviceTopicPrefix", problem)
    config["deviceTopicPrefix"] = prefix
    for key in _MESSAGES:
        message = _message(params, key)
        if message is not None:
            config[key] = message
    ssl = _object(params, "ssl", "")
    if ssl is not None:
        stored_ssl: dict[str, Any] = {
            "validateServerCert": _opt_bool(ssl, "validateServerCert", "ssl.", False)
        }
        for key in ("clientCertID", "CACertID"):
            value = _opt_str(ssl, key, "ssl.", "")
            if value:
                stored_ssl[key] = value
        config["ssl"] = stored_ssl
    return config, kept


def echo_client_config(config: Mapping[str, Any], password: str | None) -> dict[str, Any]:
    """The stored configuration as ``getClientStatus`` shows it, the password masked."""
    shown = dict(config)
    if password:
        # Inserted after the user name, where the developer docs' example has it.
        shown = {}
        for key, value in config.items():
            shown[key] = value
            if key == "username":
                shown["password"] = MASKED_PASSWORD
    return shown


# --- event.cgi ------------------------------------------------------------------------------


def default_publication() -> dict[str, Any]:
    """A clean device's ``eventPublicationConfig``: publishes nothing."""
    return {
        "topicPrefix": "default",
        "customTopicPrefix": "",
        "appendEventTopic": True,
        "includeTopicNamespaces": True,
        "includeSerialNumberInPayload": False,
        "eventFilterList": [],
    }


def parse_publication(params: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """``configureEventPublication``: the filter list is replaced as a whole; flags the
    request leaves out keep their current values."""
    config = dict(current)
    if "topicPrefix" in params:
        prefix = params["topicPrefix"]
        if prefix not in TOPIC_PREFIXES:
            raise _invalid("topicPrefix", f"{prefix!r:.40} is not 'default' or 'custom'")
        config["topicPrefix"] = prefix
    custom = _opt_str(params, "customTopicPrefix", "", config["customTopicPrefix"])
    if custom:
        problem = check_topic(custom)
        if problem is not None:
            raise _invalid("customTopicPrefix", problem)
    config["customTopicPrefix"] = custom
    if config["topicPrefix"] == "custom" and not custom:
        raise _missing("customTopicPrefix (required when topicPrefix is custom)")
    for key in ("appendEventTopic", "includeTopicNamespaces", "includeSerialNumberInPayload"):
        config[key] = _opt_bool(params, key, "", config[key])
    filters = []
    for where, item, expression in _filter_list(params, "eventFilterList"):
        try:
            TopicFilter(expression)
        except ValueError as exc:
            raise _invalid(f"{where}topicFilter", f"is not a topic filter ({exc})") from None
        retain = item.get("retain", "none")
        if retain not in RETAIN_POLICIES:
            raise _invalid(f"{where}retain", f"{retain!r:.40} is not none, property or all")
        filters.append({"topicFilter": expression, "qos": _qos(item, where), "retain": retain})
    config["eventFilterList"] = filters
    return config


def default_subscriptions() -> dict[str, Any]:
    return {"mqttFilterList": []}


def parse_subscriptions(params: Mapping[str, Any]) -> dict[str, Any]:
    """``configureMqttSubscription`` (1.1): replaces the list of MQTT topic filters."""
    filters = []
    for where, item, topic_filter in _filter_list(params, "mqttFilterList"):
        problem = check_filter(topic_filter)
        if problem is not None:
            raise _invalid(f"{where}topicFilter", problem)
        stateful = _opt_bool(item, "isStateData", where, False)
        if stateful and has_wildcards(topic_filter):
            raise _invalid(
                f"{where}topicFilter",
                "may hold '+' or '#' only in a stateless subscription (isStateData false)",
            )
        filters.append(
            {
                "topicFilter": topic_filter,
                "useDeviceTopicPrefix": _opt_bool(item, "useDeviceTopicPrefix", where, False),
                "qos": _qos(item, where),
                "isStateData": stateful,
            }
        )
    return {"mqttFilterList": filters}
