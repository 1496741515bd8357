"""Device events: typed notifications, topic and content filters, and their sources."""

from axisctl.events.filters import ContentFilter, EventFilter, TopicFilter
from axisctl.events.models import Event, EventParseError, canonical_topic, parse_notification

__all__ = [
    "ContentFilter",
    "Event",
    "EventFilter",
    "EventParseError",
    "TopicFilter",
    "canonical_topic",
    "parse_notification",
]
