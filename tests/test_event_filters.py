"""Topic and content filters as devices take them: what matches, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.events import ContentFilter, Event, EventFilter, FilterError, TopicFilter, mqtt_topic

PORT = "tns1:Device/tnsaxis:IO/Port"
VIRTUAL_INPUT = "tns1:Device/tnsaxis:IO/VirtualInput"
PIR = "tns1:Device/tnsaxis:Sensor/PIR"
VMD = "tnsaxis:CameraApplicationPlatform/VMD/Camera1ProfileANY"


def event(topic: str = PORT, **data: str) -> Event:
    return Event(topic=topic, source={"port": "1"}, data=data or {"state": "0"})


# --- topic filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "matching", "not_matching"),
    [
        (PORT, [PORT], [VIRTUAL_INPUT, "tns1:Device/tnsaxis:IO", PORT + "/Sub"]),
        ("tns1:Device/tnsaxis:IO//.", [PORT, VIRTUAL_INPUT], [PIR, VMD, "tns1:Device"]),
        ("tns1:Device//.", [PORT, PIR], [VMD]),
        ("//.", [PORT, PIR, VMD], []),
        (f"{PORT}|{PIR}", [PORT, PIR], [VIRTUAL_INPUT]),
        (f"{VIRTUAL_INPUT} | tnsaxis:CameraApplicationPlatform//.", [VIRTUAL_INPUT, VMD], [PORT]),
        # A subtree is a path prefix, not a string prefix.
        ("tns1:Device/tnsaxis:IO/Port//.", [PORT, PORT + "/Sub"], ["tns1:Device/tnsaxis:IO/Ports"]),
    ],
)
def test_topic_filter_matches(
    expression: str, matching: list[str], not_matching: list[str]
) -> None:
    topic_filter = TopicFilter(expression)
    for topic in matching:
        assert topic_filter.matches(topic), topic
    for topic in not_matching:
        assert not topic_filter.matches(topic), topic


@pytest.mark.parametrize(
    ("expression", "topic"),
    [
        ("onvif:Device/axis:IO//.", PORT),  # MQTT-spelled filter, wire-spelled topic
        ("tns1:Device/tnsaxis:IO/Port", "onvif:Device/axis:IO/Port"),  # and the reverse
        ("onvif:Device/axis:IO/Port", "onvif:Device/axis:IO/Port"),
    ],
)
def test_topic_filter_takes_both_spellings(expression: str, topic: str) -> None:
    assert TopicFilter(expression).matches(topic)


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (f"{PORT}||{PIR}", "empty alternative"),
        (f"{PORT}|", "empty alternative"),
        ("tns1:Device/", "not a topic name"),
        ("tns1:Device//tnsaxis:IO", "not a topic name"),
        ("tns1:Device tnsaxis:IO", "not a topic name"),
        ("tns1:Device/*", "not a topic name"),
        ("tns1:Device\n/tnsaxis:IO", "not a topic name"),  # a newline inside a name
        ("tns1:Device//.//.", "not a topic name"),
        ("boolean(//SimpleItem)", "not a topic name"),
    ],
)
def test_topic_filter_refuses_what_a_device_would(expression: str, complaint: str) -> None:
    with pytest.raises(FilterError, match=complaint):
        TopicFilter(expression)


# --- content filters --------------------------------------------------------------------------

PORT_1 = 'boolean(//SimpleItem[@Name="port" and @Value="1"])'
STATE_0 = 'boolean(//SimpleItem[@Name="state" and @Value="0"])'
STATE_1 = 'boolean(//SimpleItem[@Name="state" and @Value="1"])'


@pytest.mark.parametrize(
    ("expression", "state", "matches"),
    [
        (PORT_1, "0", True),
        (STATE_1, "0", False),
        (f"{PORT_1} and {STATE_0}", "0", True),
        (f"{PORT_1} and {STATE_0}", "1", False),
        (f"{STATE_0} or {STATE_1}", "1", True),
        (f"{STATE_0} or {STATE_1}", "7", False),
        (f"{PORT_1} and {STATE_0} and {STATE_0}", "0", True),
        # Single quotes and loose spacing, as people type them.
        ("boolean( //SimpleItem[ @Name = 'state' and @Value = '0' ] )", "0", True),
    ],
)
def test_content_filter_and_or(expression: str, state: str, matches: bool) -> None:
    assert ContentFilter(expression).matches(event(state=state)) is matches


def test_content_filter_looks_at_source_key_and_data() -> None:
    keyed = Event(topic=PORT, source={"port": "2"}, key={"k": "v"}, data={"state": "1"})
    assert ContentFilter('boolean(//SimpleItem[@Name="port" and @Value="2"])').matches(keyed)
    assert ContentFilter('boolean(//SimpleItem[@Name="k" and @Value="v"])').matches(keyed)
    assert ContentFilter(STATE_1).matches(keyed)
    # Names and values are compared exactly: no case folding, no number parsing.
    assert not ContentFilter('boolean(//SimpleItem[@Name="Port" and @Value="2"])').matches(keyed)
    assert not ContentFilter('boolean(//SimpleItem[@Name="port" and @Value="02"])').matches(keyed)


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("", "expected boolean"),
        ("boolean(//SimpleItem[@Name='port'])", "expected boolean"),
        ("//SimpleItem[@Name='port' and @Value='1']", "expected boolean"),
        (f"{PORT_1} and {STATE_0} or {STATE_1}", "mixes 'and' and 'or'"),
        (f"{PORT_1} xor {STATE_0}", "expected 'and' or 'or'"),
        (f"{PORT_1} and", "expected boolean"),
        (f"not({PORT_1})", "expected boolean"),
        (f"{PORT_1} trailing", "expected 'and' or 'or'"),
    ],
)
def test_content_filter_refuses_other_xpath(expression: str, complaint: str) -> None:
    with pytest.raises(FilterError, match=complaint):
        ContentFilter(expression)


# --- event filters (one entry of eventFilterList) ---------------------------------------------


def test_event_filter_needs_topic_and_content_to_match() -> None:
    both = EventFilter.of(topic="tns1:Device/tnsaxis:IO//.", content=STATE_1)
    assert both.matches(event(PORT, state="1"))
    assert not both.matches(event(PORT, state="0"))
    assert not both.matches(event(PIR, state="1"))
    assert EventFilter.of(content=STATE_1).matches(event(PIR, state="1"))
    assert EventFilter.of(topic=PIR).matches(event(PIR, state="0"))


def test_event_filter_json_round_trip() -> None:
    original = EventFilter.of(topic="onvif:Device/axis:IO//.", content=PORT_1)
    # The expression goes to the device as written: the caller chose the spelling.
    assert original.to_json() == {"topicFilter": "onvif:Device/axis:IO//.", "contentFilter": PORT_1}
    assert EventFilter.from_json(original.to_json()) == original


@pytest.mark.parametrize(
    ("obj", "complaint"),
    [
        ({}, "needs a topic filter"),
        ([], "must be an object"),
        ("tns1:Device", "must be an object"),
        ({"topicFilter": 1}, "topicFilter must be a string"),
        ({"contentFilter": ["x"]}, "contentFilter must be a string"),
        ({"topicFilter": "tns1:Device/"}, "not a topic name"),
    ],
)
def test_event_filter_from_json_refusals(obj: Any, complaint: str) -> None:
    with pytest.raises(FilterError, match=complaint):
        EventFilter.from_json(obj)


# --- properties -------------------------------------------------------------------------------

_name = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,8}", fullmatch=True)
_prefixed = st.tuples(st.sampled_from(["", "tns1:", "tnsaxis:"]), _name).map("".join)
_topics = st.lists(_prefixed, min_size=1, max_size=4).map("/".join)
_item_text = st.text(st.characters(blacklist_characters="\"'"), max_size=8)


@given(st.text(max_size=40))
def test_arbitrary_topic_filters_are_taken_or_refused_cleanly(expression: str) -> None:
    try:
        topic_filter = TopicFilter(expression)
    except FilterError:
        return
    topic_filter.matches(PORT)


@given(st.text(max_size=80))
def test_arbitrary_content_filters_are_taken_or_refused_cleanly(expression: str) -> None:
    try:
        content_filter = ContentFilter(expression)
    except FilterError:
        return
    content_filter.matches(event())


@given(_topics, _topics)
def test_topic_and_subtree_filters_in_both_spellings(topic: str, below: str) -> None:
    child = f"{topic}/{below}"
    for expression in (topic, mqtt_topic(topic)):
        assert TopicFilter(expression).matches(topic)
        assert TopicFilter(expression).matches(mqtt_topic(topic))
        assert not TopicFilter(expression).matches(child)
        assert TopicFilter(expression + "//.").matches(child)
        assert TopicFilter(expression + "//.").matches(mqtt_topic(child))


@given(st.dictionaries(_item_text, _item_text, min_size=1, max_size=4), _item_text, _item_text)
def test_content_filter_semantics(
    items: dict[str, str], absent_name: str, absent_value: str
) -> None:
    subject = Event(topic=PORT, data=items)
    present = [f'boolean(//SimpleItem[@Name="{n}" and @Value="{v}"])' for n, v in items.items()]
    assert ContentFilter(" and ".join(present)).matches(subject)
    if items.get(absent_name) != absent_value:
        missing = f'boolean(//SimpleItem[@Name="{absent_name}" and @Value="{absent_value}"])'
        assert not ContentFilter(missing).matches(subject)
        assert ContentFilter(f"{missing} or {present[0]}").matches(subject)
        assert not ContentFilter(f"{missing} and {present[0]}").matches(subject)
