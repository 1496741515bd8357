"""Events of the RTSP metadata stream: one ``tt:MetadataStream`` document per RTP payload.

``rtsp://<device>/axis-media/media.amp?video=0&audio=0&event=on`` carries
``application/vnd.onvif.metadata``; each document holds zero or more notifications::

    <tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema">
    <tt:Event><wsnt:NotificationMessage xmlns:tns1=... xmlns:tnsaxis=... xmlns:wsnt=...>
      <wsnt:Topic Dialect="...">tns1:Device/tnsaxis:IO/Port</wsnt:Topic>
      <wsnt:Message><tt:Message UtcTime="2019-01-15T07:50:45.206264Z"
                                PropertyOperation="Initialized">
        <tt:Source><tt:SimpleItem Name="port" Value="1"/></tt:Source><tt:Key></tt:Key>
        <tt:Data><tt:SimpleItem Name="state" Value="0"/></tt:Data>
      </tt:Message></wsnt:Message>
    </wsnt:NotificationMessage></tt:Event></tt:MetadataStream>

:func:`parse_metadata` turns one document into typed :class:`~axisctl.events.Event` objects
(the same classes as the websocket stream); :func:`to_metadata_xml` writes them back. This
module only reads documents: the RTSP/RTP transport that delivers them is not part of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from lxml import etree

from axisctl.codecs import safexml
from axisctl.codecs.xsdatetime import Problem, XsDateTimeError, parse_xs_datetime
from axisctl.errors import ParseError
from axisctl.events.models import Event, EventParseError, canonical_topic, event_class

__all__ = ["NS_SCHEMA", "NS_TOPICS_AXIS", "NS_TOPICS_ONVIF", "parse_metadata", "to_metadata_xml"]

NS_SCHEMA = "http://www.onvif.org/ver10/schema"
NS_WSNT = "http://docs.oasis-open.org/wsn/b-2"
NS_TOPICS_ONVIF = "http://www.onvif.org/ver10/topics"
NS_TOPICS_AXIS = "http://www.axis.com/2009/event/topics"
TOPIC_DIALECT = "http://docs.oasis-open.org/wsn/t-1/TopicExpression/Simple"

#: The prefixes topics are kept in, whatever prefixes a document binds the namespaces to.
TOPIC_PREFIXES = {NS_TOPICS_ONVIF: "tns1", NS_TOPICS_AXIS: "tnsaxis"}

WHAT = "RTSP metadata"

# xs:dateTime as devices write UtcTime: any number of fraction digits, "Z", an offset, or
# no zone at all (then UTC, which the attribute's name promises).


def parse_metadata(document: bytes) -> list[Event]:
    """The events of one ``tt:MetadataStream`` document, in document order.

    The empty document a device sends first gives ``[]``. Anything that is not well-formed
    XML of this shape raises :class:`~axisctl.events.EventParseError` saying what was wrong.
    Analytics frames (``tt:VideoAnalytics``) and ``tt:ElementItem`` payloads, which are not
    name/value strings, are skipped.
    """
    try:
        root = safexml.parse_xml(document, what=WHAT)
    except EventParseError:
        raise
    except ParseError as exc:
        raise EventParseError(exc.message) from None
    if safexml.namespace_of(root) != NS_SCHEMA or safexml.local_name(root) != "MetadataStream":
        raise EventParseError(
            f"{WHAT}: root is {str(root.tag)[:80]!r}, expected MetadataStream in {NS_SCHEMA}"
        )
    events: list[Event] = []
    for event_element in safexml.children(root, NS_SCHEMA, "Event"):
        for message in safexml.children(event_element, NS_WSNT, "NotificationMessage"):
            events.append(_notification(message))
    return events


def _notification(element: safexml.Element) -> Event:
    try:
        topic_element = safexml.require_child(element, NS_WSNT, "Topic", what=WHAT)
        topic = _topic(topic_element)
        wrapper = safexml.require_child(element, NS_WSNT, "Message", what=WHAT)
        message = safexml.require_child(wrapper, NS_SCHEMA, "Message", what=WHAT)
    except EventParseError:
        raise
    except ParseError as exc:
        raise EventParseError(exc.message) from None
    operation = message.get("PropertyOperation")
    utc_time = message.get("UtcTime")
    return event_class(topic)(
        topic=topic,
        source=_items(message, "Source", topic),
        key=_items(message, "Key", topic),
        data=_items(message, "Data", topic),
        timestamp=None if utc_time is None else parse_utc_time(utc_time),
        property_operation=operation.strip() if operation else None,
    )


def _topic(element: safexml.Element) -> str:
    if len(element):
        raise EventParseError(f"{WHAT}: <Topic> holds elements, expected a topic expression")
    text = (element.text or "").strip()
    if not text:
        raise EventParseError(f"{WHAT}: notification has an empty topic")
    parts = []
    for part in text.split("/"):
        prefix, colon, name = part.partition(":")
        if colon:
            # The document's own binding decides what a prefix means; unknown prefixes
            # (not bound here) are kept as written.
            namespace = element.nsmap.get(prefix)
            if namespace in TOPIC_PREFIXES:
                part = f"{TOPIC_PREFIXES[namespace]}:{name}"
        parts.append(part)
    # Unbound MQTT-style prefixes (onvif:, axis:) read as the websocket spelling, as
    # parse_notification reads them.
    return canonical_topic("/".join(parts))


def _items(message: safexml.Element, part: str, topic: str) -> dict[str, str]:
    container = safexml.child(message, NS_SCHEMA, part)
    items: dict[str, str] = {}
    if container is None:
        return items
    for item in safexml.children(container, NS_SCHEMA, "SimpleItem"):
        name, value = item.get("Name"), item.get("Value")
        if name is None or value is None:
            missing = "Name" if name is None else "Value"
            raise EventParseError(
                f"{WHAT}: a SimpleItem of {part} in {topic[:80]!r} has no {missing} attribute"
            )
        items[name] = value
    return items


def parse_utc_time(text: str) -> dt.datetime:
    """``UtcTime`` (xs:dateTime) → aware datetime; fractions beyond microseconds dropped."""
    try:
        return parse_xs_datetime(text, zone_required=False, max_fraction_digits=30)
    except XsDateTimeError as error:
        if error.problem is Problem.OFFSET:
            raise EventParseError(
                f"{WHAT}: UtcTime {text[:40]!r} has an impossible offset"
            ) from None
        if error.problem is Problem.VALUE:
            raise EventParseError(f"{WHAT}: UtcTime {text[:40]!r} is not a valid time") from None
        raise EventParseError(f"{WHAT}: UtcTime {text[:40]!r} is not an xs:dateTime") from None


def format_utc_time(stamp: dt.datetime) -> str:
    """An aware datetime as devices write ``UtcTime``: ``2019-03-12T23:48:28.425164Z``."""
    if stamp.tzinfo is None:
        raise ValueError("UtcTime needs an aware datetime")
    utc = stamp.astimezone(dt.timezone.utc)
    # By hand: strftime("%Y") does not pad years before 1000 on every platform.
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}Z"
    )


def to_metadata_xml(events: Iterable[Event]) -> bytes:
    """One ``tt:MetadataStream`` document holding ``events`` in the device's shape.

    An empty iterable gives the empty document devices send first. Events without a
    timestamp get no ``UtcTime``; ``property_operation`` becomes ``PropertyOperation``.
    Strings that XML cannot hold (control characters) raise ``ValueError``.
    """
    root = etree.Element(safexml.qname(NS_SCHEMA, "MetadataStream"), nsmap={"tt": NS_SCHEMA})
    root.text = "\n"
    for event in events:
        wrapper = etree.SubElement(root, safexml.qname(NS_SCHEMA, "Event"))
        message = etree.SubElement(
            wrapper,
            safexml.qname(NS_WSNT, "NotificationMessage"),
            nsmap={"tns1": NS_TOPICS_ONVIF, "tnsaxis": NS_TOPICS_AXIS, "wsnt": NS_WSNT},
        )
        topic = etree.SubElement(message, safexml.qname(NS_WSNT, "Topic"), Dialect=TOPIC_DIALECT)
        topic.text = event.topic
        body = etree.SubElement(
            etree.SubElement(message, safexml.qname(NS_WSNT, "Message")),
            safexml.qname(NS_SCHEMA, "Message"),
        )
        if event.timestamp is not None:
            body.set("UtcTime", format_utc_time(event.timestamp))
        if event.property_operation is not None:
            body.set("PropertyOperation", event.property_operation)
        for part, items in (("Source", event.source), ("Key", event.key), ("Data", event.data)):
            container = etree.SubElement(body, safexml.qname(NS_SCHEMA, part))
            for name, value in items.items():
                etree.SubElement(
                    container, safexml.qname(NS_SCHEMA, "SimpleItem"), Name=name, Value=value
                )
    # The declaration as devices write it (lxml's own uses single quotes).
    text = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()
