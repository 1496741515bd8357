"""Typed events: each known topic becomes its class, in both spellings; odd fields give None."""

from __future__ import annotations

import base64
import datetime as dt
import inspect
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import axisctl.events as events_module
from axisctl.events import (
    DigitalInputTriggerEvent,
    Event,
    EventParseError,
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
    event_class,
    mqtt_topic,
    parse_notification,
)

UTC = dt.timezone.utc

# The AllPlates sample of vapix-wire-formats §7.1, as the websocket stream delivers it.
ALL_PLATES_DATA = {
    "consumedTime": "153",
    "frame_timestamp": "1288416958",
    "carMoveDirection": "unknown",
    "carState": "new",
    "action": "No action",
    "capture_timestamp": "1621511661894",
    "width": "168",
    "carID": "1139066",
    "top": "354",
    "country": "PRT",
    "left": "539",
    "height": "28",
    "listName": "",
    "text": "II04458",
}


def notification(
    topic: str,
    source: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    timestamp: int | None = 1722108150418,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "topic": topic,
        "message": {"source": source or {}, "key": {}, "data": data or {}},
    }
    if timestamp is not None:
        body["timestamp"] = timestamp
    return body


# (class, topic, source, data, expected property values)
CASES: list[tuple[type[Event], str, dict[str, str], dict[str, str], dict[str, Any]]] = [
    (
        InputPortEvent,
        "tns1:Device/tnsaxis:IO/Port",
        {"port": "0"},
        {"state": "1"},
        {"index": 0, "port": 1, "active": True},
    ),
    (
        OutputPortEvent,
        "tns1:Device/tnsaxis:IO/OutputPort",
        {"port": "3"},
        {"state": "0"},
        {"index": 3, "port": 4, "active": False},
    ),
    (
        VirtualInputEvent,
        "tns1:Device/tnsaxis:IO/VirtualInput",
        {"port": "38"},
        {"active": "0"},
        {"port": 38, "active": False},
    ),
    (
        ManualTriggerEvent,
        "tns1:Device/tnsaxis:IO/VirtualPort",
        {"port": "1"},
        {"state": "1"},
        {"port": 1, "active": True},
    ),
    (
        SupervisedPortEvent,
        "tns1:Device/tnsaxis:IO/SupervisedPort",
        {"port": "0"},
        {"state": "shorted"},
        {"port": 0, "state": "shorted", "tampered": True},
    ),
    (
        DigitalInputTriggerEvent,
        "tns1:Device/Trigger/DigitalInput",
        {"InputToken": "0"},
        {"LogicalState": "true"},
        {"input_token": "0", "logical_state": True},
    ),
    (
        RelayTriggerEvent,
        "tns1:Device/Trigger/Relay",
        {"RelayToken": "3"},
        {"LogicalState": "inactive"},
        {"relay_token": "3", "logical_state": "inactive", "active": False},
    ),
    (
        SystemReadyEvent,
        "tns1:Device/tnsaxis:Status/SystemReady",
        {},
        {"ready": "1"},
        {"ready": True},
    ),
    (
        LightStatusEvent,
        "tns1:Device/tnsaxis:Light/Status",
        {"id": "0"},
        {"state": "OFF"},
        {"light_id": 0, "on": False},
    ),
    (
        SirenAndLightStatusEvent,
        "tns1:Device/tnsaxis:SirenAndLight/Status",
        {"channel": "light"},
        {"pattern": "Strobe", "priority": "30", "profile": "Intruder"},
        {
            "channel": "light",
            "pattern": "Strobe",
            "priority": 30,
            "profile": "Intruder",
            "playing": True,
        },
    ),
    (
        LicensePlateEvent,
        "tnsaxis:CameraApplicationPlatform/ALPV.AllPlates",
        {},
        ALL_PLATES_DATA,
        {
            "name": "AllPlates",
            "plate": "II04458",
            "country": "PRT",
            "direction": "unknown",
            "car_state": "new",
            "car_id": "1139066",
            "list_name": None,
            "action": "No action",
            "plate_box": (539, 354, 168, 28),
            "processing_ms": 153,
            "capture_time": dt.datetime(2021, 5, 20, 11, 54, 21, 894000, tzinfo=UTC),
            "active": None,
        },
    ),
    (
        LicensePlateEvent,
        "tnsaxis:CameraApplicationPlatform/ALPV.Block_list",
        {},
        {"active": "1"},
        {"name": "Block_list", "active": True, "plate": None},
    ),
]


@pytest.mark.parametrize(
    ("cls", "topic", "source", "data", "expected"),
    CASES,
    ids=[f"{case[0].__name__}-{case[1].rsplit('/', 1)[-1]}" for case in CASES],
)
@pytest.mark.parametrize("spelling", ["websocket", "mqtt"])
def test_known_topics_become_their_typed_class(
    cls: type[Event],
    topic: str,
    source: dict[str, str],
    data: dict[str, str],
    expected: dict[str, Any],
    spelling: str,
) -> None:
    sent = topic if spelling == "websocket" else mqtt_topic(topic)
    event = parse_notification(notification(sent, source, data))
    assert type(event) is cls
    assert event.topic == topic  # always kept in the websocket spelling
    assert event.timestamp == dt.datetime(2024, 7, 27, 19, 22, 30, 418000, tzinfo=UTC)
    for name, value in expected.items():
        assert getattr(event, name) == value, name


def test_mqtt_spelling_really_differs() -> None:
    # Guards the test above: it would prove nothing if mqtt_topic() returned its input.
    assert mqtt_topic("tns1:Device/tnsaxis:IO/Port") == "onvif:Device/axis:IO/Port"


def test_every_typed_class_is_exported_and_covered() -> None:
    typed = {
        obj
        for obj in vars(events_module).values()
        if inspect.isclass(obj) and issubclass(obj, Event) and obj is not Event
    }
    assert typed == {case[0] for case in CASES}


def test_license_plate_fields_the_class_does_not_name_stay_in_data() -> None:
    event = parse_notification(
        notification(
            "tnsaxis:CameraApplicationPlatform/ALPV.AllPlates",
            data={**ALL_PLATES_DATA, "MACAddress": "ACCC8ED3290D", "listMode": "block"},
        )
    )
    assert isinstance(event, LicensePlateEvent)
    assert event.data["frame_timestamp"] == "1288416958"
    assert event.data["MACAddress"] == "ACCC8ED3290D"
    assert event.list_mode == "block"


def test_license_plate_image_is_decoded() -> None:
    jpeg = b"\xff\xd8\xff\xe0 plate"
    event = parse_notification(
        notification(
            "tnsaxis:CameraApplicationPlatform/ALPV.New",
            data={"lpImage": base64.b64encode(jpeg).decode(), "carState": "NEW"},
        )
    )
    assert isinstance(event, LicensePlateEvent)
    assert event.plate_image == jpeg
    assert event.car_state == "new"


def test_any_port_instance_has_no_port_number() -> None:
    event = parse_notification(
        notification("tns1:Device/tnsaxis:IO/Port", {"port": "-1"}, {"state": "0"})
    )
    assert isinstance(event, InputPortEvent)
    assert event.index == -1
    assert event.port is None


def test_siren_and_light_idle_status_reads_as_nothing_playing() -> None:
    # What the simulator publishes when a channel stops (axisctl/sim/sirenlight/service.py).
    event = parse_notification(
        notification(
            "tns1:Device/tnsaxis:SirenAndLight/Status",
            {"channel": "siren"},
            {"pattern": "", "priority": "0", "profile": ""},
        )
    )
    assert isinstance(event, SirenAndLightStatusEvent)
    assert (event.pattern, event.profile, event.priority, event.playing) == (None, None, 0, False)


@pytest.mark.parametrize(
    "topic",
    [
        "tns1:Device/tnsaxis:Sensor/PIR",
        "tns1:Device/tnsaxis:IO/Port/Extra",
        "tns1:Device/tnsaxis:IO",
        "tnsaxis:CameraApplicationPlatform/ALPV",  # no "ALPV." prefix: not the app's
        "tnsaxis:CameraApplicationPlatform/VMD/Camera1ProfileANY",
        "Device/IO/Port",  # prefixes matter
    ],
)
def test_unknown_topics_stay_generic_events(topic: str) -> None:
    event = parse_notification(notification(topic, {"port": "1"}, {"state": "1"}))
    assert type(event) is Event
    assert event.data == {"state": "1"}


# Values a device should not send, each of which must give None and never an exception.
ODD_VALUES = ["", " ", "abc", "1.5", "1e3", "9" * 40, "—", "true false", "0x1"]


def _properties(cls: type[Event]) -> list[str]:
    return [
        name
        for name, value in inspect.getmembers(cls)
        if isinstance(value, property) and not name.startswith("_")
    ]


@pytest.mark.parametrize(("cls", "topic"), [(case[0], case[1]) for case in CASES])
@pytest.mark.parametrize("odd", ODD_VALUES)
def test_odd_values_give_none(cls: type[Event], topic: str, odd: str) -> None:
    names = {"port", "id", "InputToken", "RelayToken", "channel"}
    data_names = {
        "state",
        "active",
        "ready",
        "LogicalState",
        "priority",
        "carMoveDirection",
        "carState",
        "listMode",
        "roiID",
        "capture_timestamp",
        "consumedTime",
        "left",
        "lpImage",
    }
    event = parse_notification(
        notification(topic, dict.fromkeys(names, odd), dict.fromkeys(data_names, odd))
    )
    numeric_or_flag = [
        name
        for name in _properties(cls)
        if name
        in {
            "index",
            "port",
            "active",
            "light_id",
            "on",
            "ready",
            "logical_state",
            "priority",
            "state",
            "tampered",
            "direction",
            "car_state",
            "list_mode",
            "roi_id",
            "capture_time",
            "processing_ms",
            "plate_box",
        }
    ]
    assert numeric_or_flag, f"{cls.__name__} has no typed property to check"
    for name in numeric_or_flag:
        assert getattr(event, name) is None, f"{cls.__name__}.{name} from {odd!r}"


@pytest.mark.parametrize(("cls", "topic"), [(case[0], case[1]) for case in CASES])
def test_missing_fields_give_none(cls: type[Event], topic: str) -> None:
    event = parse_notification({"topic": topic})
    assert type(event) is cls
    for name in _properties(cls):
        if name in ("name", "topics"):
            continue
        value = getattr(event, name)
        assert value is None, f"{cls.__name__}.{name} without fields is {value!r}"


_TYPED_TOPICS = [case[1] for case in CASES]
_strings = st.text(max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


@given(
    st.one_of(
        _json,
        st.fixed_dictionaries(
            {
                "topic": st.sampled_from(_TYPED_TOPICS) | st.text(max_size=20) | _json,
                "message": _json
                | st.fixed_dictionaries(
                    {"source": _json, "key": _json, "data": _json},
                ),
                "timestamp": _json,
            }
        ),
    )
)
def test_arbitrary_json_raises_only_event_parse_error(obj: Any) -> None:
    try:
        event = parse_notification(obj)
    except EventParseError:
        return
    assert isinstance(event, event_class(event.topic))


@given(
    topic=st.sampled_from(_TYPED_TOPICS),
    source=st.dictionaries(st.sampled_from(["port", "id", "InputToken", "channel"]), _strings),
    data=st.dictionaries(
        st.sampled_from(
            [
                "state",
                "active",
                "ready",
                "LogicalState",
                "pattern",
                "priority",
                "capture_timestamp",
                "left",
                "top",
                "width",
                "height",
                "lpImage",
                "carMoveDirection",
            ]
        ),
        _strings,
    ),
)
def test_typed_properties_never_raise(
    topic: str, source: dict[str, str], data: dict[str, str]
) -> None:
    event = parse_notification(notification(topic, source, data))
    for name in _properties(type(event)):
        getattr(event, name)  # must not raise, whatever the device sent
