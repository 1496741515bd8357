"""Typed device events, from the JSON shape the websocket stream and MQTT both use.

``{"timestamp": <epoch ms>, "topic": "...", "message": {"source": {}, "key": {}, "data": {}}}``
— every source, key and data value a string. Known topics become subclasses of
:class:`Event` with typed properties; any other topic stays a plain :class:`Event`, never
dropped. Topics are kept in the websocket form (``tns1:``/``tnsaxis:``); MQTT's
``onvif:``/``axis:`` spelling is converted by :func:`canonical_topic`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from axisctl.errors import ParseError

_PREFIXES = {"onvif:": "tns1:", "axis:": "tnsaxis:"}


class EventParseError(ParseError):
    """A notification that is not the documented shape; the stream goes on without it."""


def canonical_topic(topic: str) -> str:
    """``onvif:Device/axis:IO/Port`` → ``tns1:Device/tnsaxis:IO/Port``; other spellings kept."""
    parts = []
    for part in topic.split("/"):
        for short, long in _PREFIXES.items():
            if part.startswith(short):
                part = long + part[len(short) :]
                break
        parts.append(part)
    return "/".join(parts)


def mqtt_topic(topic: str) -> str:
    """The MQTT spelling of a topic: ``tns1:`` → ``onvif:``, ``tnsaxis:`` → ``axis:``."""
    parts = []
    for part in topic.split("/"):
        for short, long in _PREFIXES.items():
            if part.startswith(long):
                part = short + part[len(long) :]
                break
        parts.append(part)
    return "/".join(parts)


@dataclass(frozen=True)
class Event:
    """One notification. ``timestamp`` is aware (UTC) or ``None`` when the device sent none.

    ``property_operation`` is ``"Initialized"`` for the current state sent on subscribing,
    ``"Changed"`` or ``"Deleted"`` where the source says so (RTSP metadata), else ``None``.
    """

    topic: str
    source: Mapping[str, str] = field(default_factory=dict)
    key: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, str] = field(default_factory=dict)
    timestamp: dt.datetime | None = None
    property_operation: str | None = None

    #: Topics a subclass stands for; filled by :func:`event_type`.
    topics: ClassVar[tuple[str, ...]] = ()

    def to_json(self) -> dict[str, Any]:
        """The wire shape back, with the timestamp in epoch milliseconds."""
        body: dict[str, Any] = {
            "topic": self.topic,
            "message": {
                "source": dict(self.source),
                "key": dict(self.key),
                "data": dict(self.data),
            },
        }
        if self.timestamp is not None:
            body["timestamp"] = int(self.timestamp.timestamp() * 1000)
        return body


EventT = TypeVar("EventT", bound=type[Event])
_REGISTRY: dict[str, type[Event]] = {}


def event_type(*topics: str) -> Callable[[EventT], EventT]:
    """Register an :class:`Event` subclass for ``topics`` (websocket spelling)."""

    def register(cls: EventT) -> EventT:
        cls.topics = tuple(topics)
        for topic in topics:
            _REGISTRY[topic] = cls
        return cls

    return register


def event_class(topic: str) -> type[Event]:
    """The typed class of ``topic``, or :class:`Event` for topics axisctl does not model."""
    canonical = canonical_topic(topic)
    found = _REGISTRY.get(canonical)
    if found is not None:
        return found
    for prefix, cls in _REGISTRY.items():
        # ALPV.* topics end in the app's own names (ALPV.AllPlates, ALPV.Allowlist, ...)
        if prefix.endswith("*") and canonical.startswith(prefix[:-1]):
            return cls
    return Event


def _strings(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EventParseError(f"{where} is a {type(value).__name__}, expected an object")
    result: dict[str, str] = {}
    for name, item in value.items():
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise EventParseError(f"{where}.{name} is a {type(item).__name__}, expected a string")
        result[str(name)] = item if isinstance(item, str) else str(item)
    return result


def parse_timestamp(value: Any) -> dt.datetime | None:
    """Epoch milliseconds (int, or digits) → aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise EventParseError("timestamp is a boolean, expected epoch milliseconds")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 16:
        value = int(value)
    if not isinstance(value, (int, float)):
        raise EventParseError(f"timestamp {value!r:.40} is not epoch milliseconds")
    try:
        return dt.datetime.fromtimestamp(value / 1000, dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise EventParseError(f"timestamp {value!r:.40} is out of range") from None


def parse_notification(obj: Any, *, property_operation: str | None = None) -> Event:
    """Build the typed event of one ``notification`` object (websocket or MQTT payload)."""
    if not isinstance(obj, dict):
        raise EventParseError(f"notification is a {type(obj).__name__}, expected an object")
    topic = obj.get("topic")
    if not isinstance(topic, str) or not topic:
        raise EventParseError("notification has no topic")
    message = obj.get("message", {})
    if not isinstance(message, dict):
        raise EventParseError("notification message is not an object")
    cls = event_class(topic)
    return cls(
        topic=canonical_topic(topic),
        source=_strings(message.get("source"), "message.source"),
        key=_strings(message.get("key"), "message.key"),
        data=_strings(message.get("data"), "message.data"),
        timestamp=parse_timestamp(obj.get("timestamp")),
        property_operation=property_operation,
    )
