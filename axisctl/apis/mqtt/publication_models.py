"""The device's event bridge (``mqtt/event.cgi``): event publication, its filters and the
device's own subscriptions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from axisctl.apis._json import expect_object, kind, opt_int, opt_str
from axisctl.apis.mqtt.errors import EVENT_API, InvalidMqttSettingError
from axisctl.apis.mqtt.fields import check_qos, get_bool, get_enum
from axisctl.apis.mqtt.topics import check_filter, check_topic, has_wildcards
from axisctl.errors import ParseError


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
        check_qos(self.qos, "qos", EVENT_API)

    def to_json(self) -> dict[str, Any]:
        return {
            "topicFilter": _mqtt_spelling(self.topic_filter),
            "qos": self.qos,
            "retain": self.retain.value,
        }

    @classmethod
    def from_json(cls, value: Any, where: str) -> PublicationFilter:
        obj = expect_object(value, where)
        topic_filter = opt_str(obj, "topicFilter", where)
        if topic_filter is None:
            raise ParseError(f"{where}.topicFilter is missing")
        retain = get_enum(obj, "retain", where, RetainPolicy, RetainPolicy.NONE)
        qos = opt_int(obj, "qos", where)
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
        obj = expect_object(value, where)
        prefix = get_enum(obj, "topicPrefix", where, TopicPrefix, TopicPrefix.DEFAULT)
        items = obj.get("eventFilterList") or []
        if not isinstance(items, list):
            raise ParseError(f"{where}.eventFilterList is {kind(items)}, expected a list")

        def flag(key: str, default: bool) -> bool:
            value = get_bool(obj, key, where)
            return default if value is None else value

        return cls(
            filters=tuple(
                PublicationFilter.from_json(item, f"{where}.eventFilterList[{index}]")
                for index, item in enumerate(items)
            ),
            topic_prefix=prefix,
            custom_topic_prefix=opt_str(obj, "customTopicPrefix", where) or "",
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
        check_qos(self.qos, "qos", EVENT_API)

    def to_json(self) -> dict[str, Any]:
        return {
            "topicFilter": self.topic_filter,
            "useDeviceTopicPrefix": self.use_device_topic_prefix,
            "qos": self.qos,
            "isStateData": self.stateful,
        }

    @classmethod
    def from_json(cls, value: Any, where: str) -> MqttSubscription:
        obj = expect_object(value, where)
        topic_filter = opt_str(obj, "topicFilter", where)
        if topic_filter is None:
            raise ParseError(f"{where}.topicFilter is missing")
        qos = opt_int(obj, "qos", where)
        return cls(
            topic_filter=topic_filter,
            stateful=bool(get_bool(obj, "isStateData", where)),
            qos=0 if qos is None else qos,
            use_device_topic_prefix=bool(get_bool(obj, "useDeviceTopicPrefix", where)),
        )
