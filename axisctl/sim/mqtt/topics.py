"""Topics of a device's MQTT bridge: where its events go on the broker, and what MQTT makes.

Two directions:

- **Out** (event publication): a bus event ``tns1:Device/tnsaxis:IO/Port`` with source
  ``{"port": "1"}`` goes to ``<prefix>/tns:onvif/Device/tns:axis/IO/Port/$source/port/1``
  (``Device/IO/Port/$source/port/1`` without namespaces), with the JSON payload
  ``{"timestamp", "topic": "onvif:Device/axis:IO/Port", "message": {...}}``. The topic shape
  is that of a real AXIS OS 12 device; the reference's ``<serial>/event/<topic>`` is the
  same with the device topic prefix set to the serial number (see docs/decisions.md).
- **In** (MQTT subscriptions): a message on a subscribed topic becomes a bus event
  ``tnsaxis:MQTT/Message/Stateful`` (or ``.../Stateless``) with source ``mqtt-topic`` and
  ``device-prefix`` and data ``mqtt-payload``, the items a real device declares for it.

Nothing here imports paho, so the rule engine can use these names without it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from axisctl.apis.mqtt.topics import check_filter, check_topic, filter_matches, has_wildcards
from axisctl.events.models import mqtt_topic

__all__ = [
    "DATA_PAYLOAD",
    "SOURCE_DEVICE_PREFIX",
    "SOURCE_TOPIC",
    "TOPIC_MQTT_CLIENT_STATUS",
    "TOPIC_MQTT_STATEFUL",
    "TOPIC_MQTT_STATELESS",
    "check_filter",
    "check_topic",
    "connection_payload",
    "filter_matches",
    "has_wildcards",
    "notification",
    "source_path",
    "topic_path",
]

#: Events made from MQTT messages of a stateful ("isStateData") subscription.
TOPIC_MQTT_STATEFUL = "tnsaxis:MQTT/Message/Stateful"
#: Events made from MQTT messages of a stateless subscription.
TOPIC_MQTT_STATELESS = "tnsaxis:MQTT/Message/Stateless"
#: The MQTT client's own state: data ``active`` and ``connected``, ``"1"`` or ``"0"``.
TOPIC_MQTT_CLIENT_STATUS = "tns1:Device/tnsaxis:MQTT/ClientStatus"

SOURCE_TOPIC = "mqtt-topic"
SOURCE_DEVICE_PREFIX = "device-prefix"
DATA_PAYLOAD = "mqtt-payload"

#: How each topic namespace prefix is written inside an MQTT topic path.
_NAMESPACES = {
    "tns1": "tns:onvif",
    "onvif": "tns:onvif",
    "tnsaxis": "tns:axis",
    "axis": "tns:axis",
}


def topic_path(topic: str, *, namespaces: bool) -> str:
    """``tns1:Device/tnsaxis:IO/Port`` → ``tns:onvif/Device/tns:axis/IO/Port``.

    Without namespaces the prefixes are dropped: ``Device/IO/Port``.
    """
    parts: list[str] = []
    for part in topic.split("/"):
        namespace, colon, name = part.partition(":")
        if not colon:
            parts.append(part)
            continue
        if namespaces:
            parts.append(_NAMESPACES.get(namespace, f"tns:{namespace}"))
        parts.append(name)
    return "/".join(parts)


def source_path(source: Mapping[str, str]) -> str:
    """``{"port": "1"}`` → ``/$source/port/1``; empty for an event without a source."""
    if not source:
        return ""
    items = "/".join(f"{_level(key)}/{_level(value)}" for key, value in source.items())
    return f"/$source/{items}"


def _level(text: str) -> str:
    # A published topic may not hold wildcards; an empty level would merge two levels.
    cleaned = text.replace("+", "_").replace("#", "_")
    return cleaned or "_"


def notification(
    topic: str,
    source: Mapping[str, str],
    key: Mapping[str, str],
    data: Mapping[str, str],
    *,
    timestamp_ms: int,
    serial: str | None = None,
) -> dict[str, Any]:
    """The JSON payload of one published event (``serialNumber`` only when asked for)."""
    body: dict[str, Any] = {
        "timestamp": timestamp_ms,
        "topic": mqtt_topic(topic),
        "message": {"source": dict(source), "key": dict(key), "data": dict(data)},
    }
    if serial is not None:
        body["serialNumber"] = serial
    return body


def connection_payload(
    serial: str, *, connected: bool, description: str, wall: float | None
) -> str:
    """The default connect, disconnect and last-will payload of the client API's table."""
    stamp = (
        dt.datetime.fromtimestamp(wall, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if wall is not None
        else None
    )
    return json.dumps(
        {
            "serialNumber": serial,
            "connected": connected,
            "description": description,
            "timestamp": stamp,
        }
    )
