"""Device events: typed notifications, topic and content filters, and their sources."""

from axisctl.events import types
from axisctl.events.declarations import ItemDeclaration, SoapFaultError, TopicDeclaration
from axisctl.events.filters import ContentFilter, EventFilter, FilterError, TopicFilter
from axisctl.events.metadata import parse_metadata, to_metadata_xml
from axisctl.events.models import (
    Event,
    EventParseError,
    canonical_topic,
    event_class,
    mqtt_topic,
    parse_notification,
)
from axisctl.events.types import (
    DigitalInputTriggerEvent,
    InputPortEvent,
    LicensePlateEvent,
    LightStatusEvent,
    ManualTriggerEvent,
    OutputPortEvent,
    RelayTriggerEvent,
    SirenAndLightStatusEvent,
    SupervisedPortEvent,
    SystemReadyEvent,
    VirtualInputEvent,
)

__all__ = [
    "ContentFilter",
    "DigitalInputTriggerEvent",
    "Event",
    "EventFilter",
    "EventParseError",
    "FilterError",
    "InputPortEvent",
    "ItemDeclaration",
    "LicensePlateEvent",
    "LightStatusEvent",
    "ManualTriggerEvent",
    "OutputPortEvent",
    "RelayTriggerEvent",
    "SirenAndLightStatusEvent",
    "SoapFaultError",
    "SupervisedPortEvent",
    "SystemReadyEvent",
    "TopicDeclaration",
    "TopicFilter",
    "VirtualInputEvent",
    "canonical_topic",
    "event_class",
    "mqtt_topic",
    "parse_metadata",
    "parse_notification",
    "to_metadata_xml",
    "types",
]
