"""RTSP metadata documents (``tt:MetadataStream``) to typed events, and back."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.errors import ParseError
from axisctl.events import (
    Event,
    EventParseError,
    InputPortEvent,
    LicensePlateEvent,
    VirtualInputEvent,
    parse_metadata,
    to_metadata_xml,
)
from axisctl.events.metadata import parse_utc_time

UTC = dt.timezone.utc

# The empty first message and the PIR change, verbatim from a real device
# (vapix-wire-formats §6.2).
EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema">\n</tt:MetadataStream>\n'
)
PIR_CHANGE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema">\n'
    b'<tt:Event><wsnt:NotificationMessage xmlns:tns1="http://www.onvif.org/ver10/topics" '
    b'xmlns:tnsaxis="http://www.axis.com/2009/event/topics" '
    b'xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" '
    b'xmlns:wsa5="http://www.w3.org/2005/08/addressing">'
    b'<wsnt:Topic Dialect="http://docs.oasis-open.org/wsn/t-1/TopicExpression/Simple">'
    b"tns1:Device/tnsaxis:Sensor/PIR</wsnt:Topic><wsnt:ProducerReference><wsa5:Address>"
    b"uri://94fbe18e-0af8-40d2-8539-67b6ea550c6e/ProducerReference</wsa5:Address>"
    b"</wsnt:ProducerReference><wsnt:Message>"
    b'<tt:Message UtcTime="2019-03-12T23:48:28.425164Z" PropertyOperation="Changed">'
    b'<tt:Source><tt:SimpleItem Name="sensor" Value="0"/></tt:Source><tt:Key></tt:Key>'
    b'<tt:Data><tt:SimpleItem Name="state" Value="1"/></tt:Data></tt:Message></wsnt:Message>'
    b"</wsnt:NotificationMessage></tt:Event></tt:MetadataStream>\n"
)


def document(*notifications: str, bindings: str = "") -> bytes:
    """A MetadataStream with one tt:Event per notification body (Topic and Message)."""
    head = (
        'xmlns:tns1="http://www.onvif.org/ver10/topics" '
        'xmlns:tnsaxis="http://www.axis.com/2009/event/topics" '
        'xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"'
    )
    events = "".join(
        f"<tt:Event><wsnt:NotificationMessage {head} {bindings}>{body}"
        "</wsnt:NotificationMessage></tt:Event>"
        for body in notifications
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema">\n{events}'
        "</tt:MetadataStream>\n"
    ).encode()


def notification(topic: str, message: str) -> str:
    return f"<wsnt:Topic>{topic}</wsnt:Topic><wsnt:Message>{message}</wsnt:Message>"


def message(source: str = "", data: str = "", attributes: str = "") -> str:
    return (
        f"<tt:Message {attributes}><tt:Source>{source}</tt:Source><tt:Key></tt:Key>"
        f"<tt:Data>{data}</tt:Data></tt:Message>"
    )


def item(name: str, value: str) -> str:
    return f'<tt:SimpleItem Name="{name}" Value="{value}"/>'


def test_real_device_pir_change() -> None:
    (event,) = parse_metadata(PIR_CHANGE)
    assert type(event) is Event  # PIR has no typed class: kept, not dropped
    assert event.topic == "tns1:Device/tnsaxis:Sensor/PIR"
    assert event.source == {"sensor": "0"}
    assert event.key == {}
    assert event.data == {"state": "1"}
    assert event.timestamp == dt.datetime(2019, 3, 12, 23, 48, 28, 425164, tzinfo=UTC)
    assert event.property_operation == "Changed"


def test_empty_first_document_has_no_events() -> None:
    assert parse_metadata(EMPTY) == []


def test_initialized_port_state_becomes_a_typed_event() -> None:
    # Kane610's PORT_0_INIT capture (vapix-wire-formats §3.5).
    (event,) = parse_metadata(
        document(
            notification(
                "tns1:Device/tnsaxis:IO/Port",
                message(
                    item("port", "1"),
                    item("state", "0"),
                    'UtcTime="2019-01-15T07:50:45.206264Z" PropertyOperation="Initialized"',
                ),
            )
        )
    )
    assert isinstance(event, InputPortEvent)
    assert event.property_operation == "Initialized"
    assert (event.index, event.port, event.active) == (1, 2, False)


def test_stateless_event_has_no_property_operation() -> None:
    # The License Plate Verifier's AllPlates: no PropertyOperation, empty tt:Source.
    data = item("text", "II04458") + item("country", "PRT") + item("carState", "new")
    (event,) = parse_metadata(
        document(
            notification(
                "tnsaxis:CameraApplicationPlatform/ALPV.AllPlates",
                message("", data, 'UtcTime="2021-05-20T11:54:21.894Z"'),
            )
        )
    )
    assert isinstance(event, LicensePlateEvent)
    assert event.property_operation is None
    assert (event.plate, event.country, event.car_state) == ("II04458", "PRT", "new")
    assert event.source == {}


def test_several_notifications_keep_document_order() -> None:
    parsed = parse_metadata(
        document(
            notification("tns1:Device/tnsaxis:IO/VirtualInput", message(item("port", "3"))),
            notification("tns1:Device/tnsaxis:IO/Port", message(item("port", "0"))),
        )
    )
    assert [type(e) for e in parsed] == [VirtualInputEvent, InputPortEvent]
    assert isinstance(parsed[0], VirtualInputEvent)
    assert parsed[0].port == 3


def test_topic_prefixes_follow_the_documents_bindings() -> None:
    # Another prefix bound to the Axis namespace still gives the usual spelling.
    (event,) = parse_metadata(
        document(
            notification("tns1:Device/ax:IO/VirtualInput", message(item("port", "1"))),
            bindings='xmlns:ax="http://www.axis.com/2009/event/topics"',
        )
    )
    assert isinstance(event, VirtualInputEvent)
    assert event.topic == "tns1:Device/tnsaxis:IO/VirtualInput"


def test_analytics_and_element_items_are_skipped() -> None:
    analytics = document(
        notification(
            "tns1:Device/tnsaxis:IO/Port",
            message(item("port", "0"), '<tt:ElementItem Name="x"><y/></tt:ElementItem>'),
        )
    ).replace(b"</tt:MetadataStream>", b"<tt:VideoAnalytics/></tt:MetadataStream>")
    (event,) = parse_metadata(analytics)
    assert event.data == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-03-12T23:48:28.425164Z", dt.datetime(2019, 3, 12, 23, 48, 28, 425164, tzinfo=UTC)),
        ("2019-03-12T23:48:28Z", dt.datetime(2019, 3, 12, 23, 48, 28, tzinfo=UTC)),
        ("2019-03-12T23:48:28.1Z", dt.datetime(2019, 3, 12, 23, 48, 28, 100000, tzinfo=UTC)),
        (
            "2019-03-12T23:48:28.123456789Z",
            dt.datetime(2019, 3, 12, 23, 48, 28, 123456, tzinfo=UTC),
        ),
        ("2019-03-13T01:48:28+02:00", dt.datetime(2019, 3, 12, 23, 48, 28, tzinfo=UTC)),
        ("2019-03-12T20:18:28-03:30", dt.datetime(2019, 3, 12, 23, 48, 28, tzinfo=UTC)),
        ("2019-03-12T23:48:28", dt.datetime(2019, 3, 12, 23, 48, 28, tzinfo=UTC)),
    ],
)
def test_utc_time_forms(text: str, expected: dt.datetime) -> None:
    parsed = parse_utc_time(text)
    assert parsed == expected
    assert parsed.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b"", "empty document"),
        (b"<tt:MetadataStream", "not well-formed"),
        (b"\xff\xfe garbage", "XML"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "DOCTYPE"),
        (b"<MetadataStream/>", "expected MetadataStream"),
        (b'<tt:Other xmlns:tt="http://www.onvif.org/ver10/schema"/>', "expected MetadataStream"),
        (document("<wsnt:Message/>"), "no <Topic>"),
        (document("<wsnt:Topic>tns1:Device</wsnt:Topic>"), "no <Message>"),
        (document("<wsnt:Topic>tns1:Device</wsnt:Topic><wsnt:Message/>"), "no <Message>"),
        (document(notification("  ", message())), "empty topic"),
        (document(notification("<b>x</b>", message())), "holds elements"),
        (document(notification("x", message(data='<tt:SimpleItem Name="a"/>'))), "no Value"),
        (document(notification("x", message(data='<tt:SimpleItem Value="a"/>'))), "no Name"),
        (document(notification("x", message(attributes='UtcTime="yesterday"'))), "UtcTime"),
        (
            document(notification("x", message(attributes='UtcTime="2019-02-30T00:00:00Z"'))),
            "not a valid time",
        ),
        (
            document(notification("x", message(attributes='UtcTime="2019-02-01T00:00:00+24:00"'))),
            "impossible offset",
        ),
    ],
)
def test_malformed_documents_raise_event_parse_error(body: bytes, complaint: str) -> None:
    with pytest.raises(EventParseError, match=complaint):
        parse_metadata(body)


def test_writer_gives_the_empty_document_devices_send_first() -> None:
    written = to_metadata_xml([])
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<tt:MetadataStream')
    assert parse_metadata(written) == []


def test_writer_round_trips_the_real_sample() -> None:
    events = parse_metadata(PIR_CHANGE)
    assert parse_metadata(to_metadata_xml(events)) == events


def test_writer_refuses_strings_xml_cannot_hold() -> None:
    with pytest.raises(ValueError, match=r"XML|control"):
        to_metadata_xml([Event(topic="tns1:Device", data={"x": "\x00"})])


# --- properties -------------------------------------------------------------------------------

_xml_char = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0xD7FF),
    st.sampled_from("\t\n\r"),
    st.characters(min_codepoint=0xE000, max_codepoint=0xFFFD),
)
_xml_text = st.text(_xml_char, max_size=10)
_name = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,8}", fullmatch=True)
_topic = st.lists(
    st.tuples(st.sampled_from(["", "tns1:", "tnsaxis:"]), _name).map("".join),
    min_size=1,
    max_size=4,
).map("/".join)
_typed_topic = st.sampled_from(
    [
        "tns1:Device/tnsaxis:IO/Port",
        "tns1:Device/tnsaxis:IO/VirtualInput",
        "tnsaxis:CameraApplicationPlatform/ALPV.AllPlates",
    ]
)
_stamp = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=st.just(UTC)
)


@st.composite
def _events(draw: st.DrawFn) -> Event:
    from axisctl.events import event_class

    topic = draw(_typed_topic | _topic)
    return event_class(topic)(
        topic=topic,
        source=draw(st.dictionaries(_xml_text, _xml_text, max_size=3)),
        key=draw(st.dictionaries(_xml_text, _xml_text, max_size=2)),
        data=draw(st.dictionaries(_xml_text, _xml_text, max_size=3)),
        timestamp=draw(st.none() | _stamp),
        property_operation=draw(st.sampled_from([None, "Initialized", "Changed", "Deleted"])),
    )


@given(st.lists(_events(), max_size=4))
def test_round_trip(events: list[Event]) -> None:
    assert parse_metadata(to_metadata_xml(events)) == events


@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_parse_errors(body: bytes) -> None:
    with contextlib.suppress(EventParseError):
        parse_metadata(body)


@given(st.integers(0, len(PIR_CHANGE) - 1), st.integers(0, 40), st.binary(max_size=4))
def test_damaged_samples_raise_only_parse_errors(start: int, length: int, insert: bytes) -> None:
    damaged = PIR_CHANGE[:start] + insert + PIR_CHANGE[start + length :]
    try:
        events = parse_metadata(damaged)
    except ParseError as error:
        # Only the events' own error type: callers catch EventParseError and go on.
        if not isinstance(error, EventParseError):
            raise
        return
    assert all(isinstance(event, Event) for event in events)
