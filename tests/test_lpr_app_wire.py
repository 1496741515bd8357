"""Wire forms of the app: plate lines, ``<bw_list>``, ``list_mgmt.cgi`` JSON, flat XML settings,
the event log. Readers take anything and raise only ``ParseError``; writers read back."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from axisctl.apis.lpr import (
    AccessControlType,
    BarrierDirection,
    BarrierMode,
    Direction,
    HttpAuthType,
    InvalidLprSettingError,
    ListKey,
    ListMode,
    LprSettings,
    PlateEntry,
    PlateList,
    PushConfig,
    PushProtocol,
    Schedule,
    push,
)
from axisctl.apis.lpr import events as ev
from axisctl.apis.lpr import fields as flat
from axisctl.apis.lpr import settings as config_wire
from axisctl.apis.lpr.lists_wire import (
    format_bw_list,
    format_export,
    format_plate_line,
    lists_to_json,
    parse_bw_list,
    parse_export,
    parse_list_mgmt,
    parse_list_update,
    parse_plate_line,
)
from axisctl.errors import ParseError

SAMPLE_BW_LIST = (
    b'<?xml version="1.0" encoding="UTF-8" ?><bw_list mode="block">'
    b"<s>M SR1669,09-29-2023,car_test_2</s><s>AA123DD</s><s>X1,,a, b, c</s></bw_list>"
)


def test_the_references_bw_list_reads() -> None:
    mode, entries = parse_bw_list(SAMPLE_BW_LIST, "sample")
    assert mode is ListMode.BLOCK
    assert entries == [
        PlateEntry("M SR1669", dt.date(2023, 9, 29), "car_test_2"),
        PlateEntry("AA123DD"),
        PlateEntry("X1", None, "a, b, c"),
    ]


def test_plate_lines_use_us_dates_and_keep_commas_in_descriptions() -> None:
    entry = PlateEntry("M WR6677", dt.date(2023, 9, 29), "Most wanted, red car")
    assert format_plate_line(entry) == "M WR6677,09-29-2023,Most wanted, red car"
    assert parse_plate_line(format_plate_line(entry), "line") == entry
    assert parse_export("M WR6677,09-29-2023,Most wanted car\n\nB1,,\n") == [
        PlateEntry("M WR6677", dt.date(2023, 9, 29), "Most wanted car"),
        PlateEntry("B1"),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("A1,2023-09-29,x", "is not a date in the form MM-DD-YYYY"),
        ("A1,13-01-2023,x", "is not a date in the form MM-DD-YYYY"),
        (",01-01-2023", "plate is empty"),
    ],
)
def test_bad_plate_lines_name_the_problem(line: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_plate_line(line, "plate")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<bw_list><x>A1</x></bw_list>", "holds <x>, expected <s>"),
        (b'<bw_list mode="maybe"/>', "mode 'maybe' is not allow, block or none"),
        (b"<list/>", "root is <list>, expected <bw_list>"),
        (b"<bw_list><s>A1,99-99-2023</s></bw_list>", "<s> number 1: date"),
        (
            b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaa">]><bw_list><s>&a;</s></bw_list>',
            "DOCTYPE",
        ),
    ],
)
def test_bad_bw_lists_name_the_problem(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_bw_list(data, "body")


_plate = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"), blacklist_characters=","),
    min_size=1,
    max_size=32,
).filter(lambda p: p == p.strip() and bool(p))
_description = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=80
).map(str.strip)
_entries = st.lists(
    st.builds(PlateEntry, _plate, st.none() | st.dates(dt.date(1000, 1, 1)), _description),
    max_size=10,
)


@given(st.sampled_from([None, *ListMode]), _entries)
def test_bw_lists_and_exports_read_back(mode: ListMode | None, entries: list[PlateEntry]) -> None:
    assert parse_bw_list(format_bw_list(mode, entries), "doc") == (mode, entries)
    assert parse_export(format_export(entries)) == entries


@given(st.binary(max_size=300))
def test_readers_raise_only_parse_errors_for_any_bytes(data: bytes) -> None:
    readers: list[Any] = [
        lambda: parse_bw_list(data, "doc"),
        lambda: flat.parse_flat(data, push.ROOT, push.FIELDS, "doc"),
        lambda: flat.parse_flat(data, config_wire.ROOT, config_wire.FIELDS, "doc"),
        lambda: ev.parse_events(data),
        lambda: ev.parse_statistics(data),
    ]
    for reader in readers:
        with contextlib.suppress(ParseError):
            reader()


_xml_text = st.text(st.characters(codec="utf-8"), max_size=30)


@given(
    st.sampled_from(["cloud_config", "configuration", "events", "bw_list"]),
    st.lists(st.tuples(st.sampled_from([*push.FIELDS, *config_wire.FIELDS, "s", "x"]), _xml_text)),
)
def test_readers_raise_only_parse_errors_for_well_formed_documents(
    root: str, children: list[tuple[str, str]]
) -> None:
    element = etree.Element(root)
    for name, text in children:
        try:
            etree.SubElement(element, name).text = text
        except ValueError:  # text XML cannot carry
            continue
    data = etree.tostring(element)
    for reader in (
        lambda: parse_bw_list(data, "doc"),
        lambda: flat.parse_flat(data, push.ROOT, push.FIELDS, "doc"),
        lambda: flat.parse_flat(data, config_wire.ROOT, config_wire.FIELDS, "doc"),
        lambda: ev.parse_events(data),
    ):
        with contextlib.suppress(ParseError):
            reader()


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_json)
def test_list_mgmt_reader_raises_only_parse_errors(value: Any) -> None:
    for document in (value, {"lists": value}, {"lists": [value]}):
        with contextlib.suppress(ParseError):
            parse_list_mgmt(document, "answer")


def test_list_mgmt_json_reads_back_and_spells_minutes_as_strings() -> None:
    lists = [
        PlateList(ListKey.ALLOW, "Residents", ListMode.ALLOW, (Schedule(),)),
        PlateList(
            ListKey.BLOCK,
            "Block list",
            ListMode.BLOCK,
            (Schedule.window(dt.time(22), dt.time(6, 30), ["Sat", "Sun"]),),
        ),
        PlateList(ListKey.CUSTOM, "Custom list", ListMode.NONE, ()),
    ]
    document = lists_to_json(lists)
    window = document["lists"][1]["schedule"][0]
    assert window == {
        "enabled": True,
        "start_time": "1320",
        "end_time": "390",
        "Mon": False,
        "Tue": False,
        "Wed": False,
        "Thu": False,
        "Fri": False,
        "Sat": True,
        "Sun": True,
    }
    assert parse_list_mgmt(document, "answer") == lists


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"id": "4"}, "is not a list id"),
        ({"name": "x"}, "lists\\[0\\].id is missing"),
        ({"id": "1", "name": "  "}, "name is empty"),
        ({"id": "1", "mode": "open"}, "mode 'open' is not allow, block or none"),
        ({"id": "1", "schedule": [{"enabled": True}]}, "start_time is missing"),
        (
            {"id": "1", "schedule": [{"enabled": 1, "start_time": "0", "end_time": "0"}]},
            "enabled is an integer, expected true or false",
        ),
        (
            {
                "id": "1",
                "schedule": [
                    {"enabled": True, "start_time": "1440", "end_time": "0"}
                    | dict.fromkeys(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), True)
                ],
            },
            "1440 is past 1439",
        ),
        ({"id": "1", "schedule": [{}] * 9}, "at most 8"),
    ],
)
def test_bad_list_updates_name_the_field(item: dict[str, Any], reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_list_update(item, "lists[0]")


# --- flat settings -----------------------------------------------------------------------------


def test_push_config_travels_base64_and_reads_back_without_secrets() -> None:
    config = PushConfig(
        "http://10.0.5.223:5002",
        PushProtocol.HTTP,
        enabled=True,
        event_update=False,
        send_images=False,
        user="cam",
        password="pässword",
        http_auth=HttpAuthType.DIGEST,
        auth_key="key-1",
        latitude=55.70421,
        longitude=13.19366,
    )
    config.validate()
    document = flat.format_flat(
        push.ROOT, ((push.FIELDS[name], value) for name, value in config.to_wire().items())
    )
    assert b"<url>aHR0cDovLzEwLjAuNS4yMjM6NTAwMg==</url>" in document
    assert b"<skip_image_in_post>1</skip_image_in_post>" in document
    values = flat.parse_flat(document, push.ROOT, push.FIELDS, "doc")
    assert values["password"] == "pässword"
    assert PushConfig.from_wire(values) == dataclasses.replace(config, password=None, auth_key=None)


def test_push_config_repr_never_shows_secrets() -> None:
    config = PushConfig("1.2.3.4:80", password="hunter2-secret", auth_key="key-secret")
    assert "secret" not in repr(config)


@pytest.mark.parametrize(
    ("config", "field", "reason"),
    [
        (PushConfig("nope", PushProtocol.TCP), "url", "is not host:port"),
        (PushConfig("ftp.example.com", PushProtocol.FTP), "url", "is not an ftp:// URL"),
        (PushConfig("gopher://x", PushProtocol.HTTP), "url", "is not http:// or https://"),
        (PushConfig("host:99999"), "url", "has no valid host"),
        (PushConfig("", enabled=True), "url", "needs a url"),
        (PushConfig("a:1", latitude=91.0), "latitude", "-90 to 90"),
        (PushConfig("a:1", user="x" * 65), "user", "longer than 64"),
        (PushConfig("a:1", password="x\ny"), "password", "control character"),
        (PushConfig("a:1", second_image_type=10), "second_image_type", "0-9"),
    ],
)
def test_push_configs_the_app_would_refuse_are_caught_before_sending(
    config: PushConfig, field: str, reason: str
) -> None:
    with pytest.raises(InvalidLprSettingError, match=reason) as caught:
        config.validate()
    assert caught.value.field == field
    if field == "password":
        assert caught.value.value is None
        assert "x\ny" not in str(caught.value)


def test_profiles_are_1_to_3() -> None:
    assert [push.cgi_for(p) for p in (1, 2, 3)] == ["cloud.cgi", "cloud2.cgi", "cloud3.cgi"]
    with pytest.raises(InvalidLprSettingError, match="not 1, 2 or 3"):
        push.cgi_for(4)


def test_settings_read_back_and_accept_enum_strings() -> None:
    settings = LprSettings(
        sensitivity=0.45,
        min_chars=4,
        char_deviation=2,
        strict_matching=True,
        ttl_s=5,
        access_control=AccessControlType.RELAY,
        barrier_mode=BarrierMode.OPEN_FROM_LISTS,
        barrier_lists=frozenset({ListKey.ALLOW, ListKey.CUSTOM}),
        barrier_direction=BarrierDirection.ANY,
        barrier_roi="2",
        relay_url="192.168.0.20",
        relay_port=16,
    )
    document = flat.format_flat(
        config_wire.ROOT,
        ((config_wire.FIELDS[n], v) for n, v in settings.to_wire().items()),
    )
    assert b"<barrier_lists>allow,custom</barrier_lists>" in document
    values = flat.parse_flat(document, config_wire.ROOT, config_wire.FIELDS, "doc")
    assert LprSettings.from_wire(values) == settings
    assert config_wire.changes_to_wire(
        {"access_control": "IO", "barrier_lists": "block", "barrier_roi": 1}
    ) == {"access_control_type": "io", "barrier_lists": frozenset({"block"}), "barrier_roi": "1"}


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"min_chars": 11}, "min_chars", "1-10"),
        ({"min_chars": True}, "min_chars", "is True, which this setting cannot hold"),
        ({"sensitivity": True}, "sensitivity", "is True"),
        ({"sensitivity": 1.5}, "sensitivity", "0-1"),
        ({"pulse_ms": 50}, "pulse_ms", "100-60000"),
        ({"access_control": "gate"}, "access_control", "none | io | relay | controller"),
        ({"barrier_lists": ["allow", "vip"]}, "list", "not allow, block or custom"),
        ({"barrier_roi": 3}, "barrier_roi", "not all, 1 or 2"),
        ({"relay_url": "http://a b"}, "relay_url", "contains spaces"),
        ({"relay_port": 17}, "relay_port", "1-16"),
        ({"colour": "red"}, "colour", "not a setting"),
    ],
)
def test_settings_the_app_would_refuse_name_the_field_and_allowed_values(
    changes: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(InvalidLprSettingError, match=reason) as caught:
        config_wire.changes_to_wire(changes)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b"<cloud_config><url>not base64!</url></cloud_config>", "<url> is not base64"),
        (b"<cloud_config><protocol>2</protocol></cloud_config>", "1 \\(HTTP\\), 8 \\(TCP\\)"),
        (b"<cloud_config><enable>yes</enable></cloud_config>", "expected 0 or 1"),
        (b"<cloud_config><colour>1</colour></cloud_config>", "unknown setting <colour>"),
        (b"<cloud_config><enable>1</enable><enable>0</enable></cloud_config>", "given twice"),
        (b"<cloud_config><latitude>north</latitude></cloud_config>", "expected degrees"),
        (b"<configuration/>", "root is <configuration>, expected <cloud_config>"),
    ],
)
def test_bad_cloud_configs_name_the_element(document: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        flat.parse_flat(document, push.ROOT, push.FIELDS, "body")


# --- the event log -------------------------------------------------------------------------------

EVENTS = (
    b"<events><currentTimestampUs>1702297625507641</currentTimestampUs>"
    b"<event><CAR_ID>54950</CAR_ID><TIMESTAMP>1702297625507000</TIMESTAMP><LPR>T?LSL123</LPR>"
    b"<LPR_UTF8>T\xc3\x96LSL123</LPR_UTF8><COUNTRY>DEU</COUNTRY><REGION>Hannover</REGION>"
    b"<DIRECTION>2</DIRECTION><ROI_ID>1</ROI_ID><CONFIDENCE>0.737210</CONFIDENCE>"
    b"<LIST>Block list</LIST><LIST_MODE>block</LIST_MODE><DESCRIPTION>car_test_1</DESCRIPTION>"
    b"<LP_BMP>tools.cgi?action=getImage&amp;name=52/2023_lp_%C3%96.jpg</LP_BMP></event></events>"
)


def test_events_read_with_unicode_plates_and_image_names() -> None:
    result = ev.parse_events(EVENTS)
    assert result.device_time == dt.datetime(
        2023, 12, 11, 12, 27, 5, 507641, tzinfo=dt.timezone.utc
    )
    (event,) = result.events
    assert event.plate == "TÖLSL123"
    assert event.plate_ascii == "T?LSL123"
    assert event.direction is Direction.OUT
    assert event.list_mode is ListMode.BLOCK
    assert event.image_name == "52/2023_lp_Ö.jpg"
    assert ev.image_name_of(ev.image_link(event.image_name)) == event.image_name
    assert event.timestamp_us == 1702297625507000


def test_event_queries_check_their_values() -> None:
    assert ev.event_query(direction="in", list_filter="none", roi=2, limit=0) == {
        "direction": "1",
        "list": "none",
        "roi": "2",
        "limit": "0",
        "offset": "0",
    }
    with pytest.raises(InvalidLprSettingError, match="limit 1001"):
        ev.event_query(limit=1001)
    with pytest.raises(InvalidLprSettingError, match="direction 'up'"):
        ev.event_query(direction="up")
    with pytest.raises(InvalidLprSettingError, match="no time zone"):
        ev.to_microseconds(dt.datetime(2024, 1, 1))
