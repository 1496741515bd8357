"""Siren and light models: JSON codec, local validation, capability checks, profile files.

No device here; the bodies are the developer documentation's examples.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axisctl.apis.sirenlight import (
    LIGHT_PATTERNS,
    SIREN_PATTERNS,
    ActivityNotFoundError,
    Capabilities,
    Duration,
    DurationUnit,
    HealthCheckResult,
    InvalidProfileError,
    InvalidProfileRequestError,
    InvalidSettingError,
    LightSettings,
    MaintenanceNotSupportedError,
    Profile,
    ProfileLimitError,
    ProfileNotFoundError,
    SirenLightAPI,
    SirenLightError,
    SirenSettings,
    StartedActivity,
    Status,
    UploadMode,
    dumps_profiles,
    loads_profiles,
    read_profiles,
    write_profiles,
)
from axisctl.apis.sirenlight.errors import from_device_error
from axisctl.errors import ConfigurationError, DeviceError, MalformedResponseError, ParseError
from axisctl.transport.client import SyncTransport
from axisctl.transport.flow import HttpRequest, HttpResponse

# --- the developer documentation's bodies -----------------------------------------------

DOC_PROFILES: list[dict[str, Any]] = [
    {
        "name": "Profile 1",
        "description": "This is a description of Profile 1",
        "siren": {"pattern": "Alarm: Car alarm", "intensity": 5, "priority": 3},
        "light": {
            "pattern": "Alternate",
            "speed": 1,
            "colors": ["blue", "red"],
            "intensity": 1,
            "duration": {"unit": "seconds", "value": 30},
            "priority": 1,
        },
    },
    {
        "name": "Profile 2",
        "light": {
            "pattern": "Alternate",
            "speed": 1,
            "colors": ["blue", "red"],
            "intensity": 1,
            "priority": 1,
        },
    },
    {"name": "Profile 3", "siren": {"pattern": "Alarm: Horror", "intensity": 1, "priority": 3}},
]


def _choice(possible: list[Any], default: Any) -> dict[str, Any]:
    return {"possible": possible, "default": default}


def _intensity(class3: list[int], class4: list[int]) -> dict[str, Any]:
    return {"poeClass": {"3": _choice(class3, 2), "4": _choice(class4, 2)}}


PRIORITY = _choice(list(range(1, 11)), 3)
COLORS = ["red", "green", "blue", "amber", "white"]

DOC_CAPABILITIES: dict[str, Any] = {
    "siren": {
        "supportedPatterns": [
            {"name": "Alarm: Horror", "intensity": _intensity([1, 2, 3], [1, 2, 3, 4, 5])},
            {"name": "Siren: Alternate", "intensity": _intensity([1, 2, 3], [1, 2, 3, 4, 5])},
        ]
    },
    "light": {
        "supportedPatterns": [
            {
                "name": "Alternate",
                "speed": _choice([1, 2], 1),
                "colors": {
                    "minNbrColors": 2,
                    "maxNbrColors": 4,
                    "possible": COLORS,
                    "default": ["red", "blue"],
                },
                "intensity": _intensity([1, 2], [1, 2, 3, 4, 5]),
                "priority": PRIORITY,
            },
            {
                "name": "Steady",
                "speed": _choice([1], 1),
                "colors": {
                    "minNbrColors": 1,
                    "maxNbrColors": 1,
                    "possible": COLORS,
                    "default": ["red"],
                },
                "intensity": _intensity([1, 2], [1, 2, 3, 4, 5]),
                "priority": PRIORITY,
            },
            {
                "name": "Rotate white + steady color",
                "speed": _choice([1, 2, 3, 4], 2),
                "colors": {
                    "minNbrColors": 0,
                    "maxNbrColors": 1,
                    "possible": ["red", "green", "blue", "amber"],
                    "default": [],
                },
                "intensity": _intensity([1, 2], [1, 2, 3, 4, 5]),
                "priority": PRIORITY,
            },
        ]
    },
    "healthCheckSupport": True,
    "maintenanceModeSupport": True,
    "poeClass": "3",
}


@pytest.fixture
def caps() -> Capabilities:
    return Capabilities.from_json(DOC_CAPABILITIES)


# --- the manual's pattern lists ---------------------------------------------------------


def test_pattern_lists_are_the_manuals() -> None:
    assert len(LIGHT_PATTERNS) == 19
    assert len(SIREN_PATTERNS) == 29
    assert len(set(LIGHT_PATTERNS)) == 19
    assert len(set(SIREN_PATTERNS)) == 29
    assert {"Alternate", "Direction D", "Spin"} <= set(LIGHT_PATTERNS)
    assert {"Alarm: Horror", "Notification: Open", "Siren: Home soft"} <= set(SIREN_PATTERNS)


# --- JSON codec -------------------------------------------------------------------------


def test_documented_profiles_round_trip_exactly() -> None:
    profiles = [Profile.from_json(item) for item in DOC_PROFILES]
    assert [p.to_json() for p in profiles] == DOC_PROFILES
    first = profiles[0]
    assert first.light is not None
    assert first.light.colors == ("blue", "red")
    assert first.light.duration == Duration.seconds(30)
    assert first.priority == 3


def test_a_profile_without_optional_settings_sends_only_what_was_given() -> None:
    profile = Profile("Doorbell", siren=SirenSettings("Notification: Entry"))
    assert profile.to_json() == {"name": "Doorbell", "siren": {"pattern": "Notification: Entry"}}
    assert LightSettings("Rotate white + steady color", colors=()).to_json() == {
        "pattern": "Rotate white + steady color",
        "colors": [],
    }


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"light": {"pattern": "Steady"}}, "profile.name is missing"),
        ({"name": 3}, "profile.name is an integer"),
        ({"name": "x", "light": {"pattern": 7}}, "profile.light.pattern is an integer"),
        ({"name": "x", "light": {"pattern": "Steady", "colors": ["red", 1]}}, "colors[1]"),
        ({"name": "x", "siren": {"pattern": "P", "intensity": True}}, "siren.intensity is a bool"),
        (
            {"name": "x", "siren": {"pattern": "P", "duration": {"unit": "hours", "value": 1}}},
            "profile.siren.duration.unit 'hours'",
        ),
        ({"name": "x", "light": []}, "profile.light is a list"),
    ],
)
def test_bad_json_names_the_field(body: dict[str, Any], where: str) -> None:
    with pytest.raises(ParseError) as caught:
        Profile.from_json(body)
    assert where in str(caught.value)


def test_an_unknown_duration_unit_lists_the_units() -> None:
    with pytest.raises(ParseError, match=r"'hours' is not a duration unit; use seconds, repet"):
        Duration.from_json({"unit": "hours", "value": 1}, "siren.duration")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", Duration.seconds(30)),
        ("30", Duration.seconds(30)),
        ("5m", Duration.seconds(300)),
        ("2h", Duration.seconds(7200)),
        ("3x", Duration.repetitions(3)),
        ("continuous", None),
    ],
)
def test_duration_text(text: str, expected: Duration | None) -> None:
    assert Duration.parse(text) == expected
    if expected is not None:
        assert Duration.parse(str(expected)) == expected


def test_duration_text_that_makes_no_sense_says_how_to_write_it() -> None:
    with pytest.raises(ValueError, match=r"write e\.g\. 30s, 5m, 2h, 3x or continuous"):
        Duration.parse("half an hour")


# --- local validation -------------------------------------------------------------------

STEADY = LightSettings("Steady", colors=("red",))


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (Profile("x" * 51, light=STEADY), "profile name is 51 characters; the device allows at"),
        (Profile("", light=STEADY), "profile name is empty"),
        (Profile("d", "y" * 251, light=STEADY), "description of profile 'd' is 251 characters"),
        (Profile("none"), "profile 'none' has neither a siren nor a light"),
        (
            Profile("p", light=LightSettings("Steady", priority=11)),
            "light priority 11 is reserved (11 maintenance, 12 identify, 13 health check); "
            "use 1-10",
        ),
        (
            Profile("p", siren=SirenSettings("Alarm: Horror", priority=13)),
            "siren priority 13 is reserved",
        ),
        (Profile("p", light=LightSettings("Steady", priority=0)), "light priority 0 is out of"),
        (
            Profile("p", light=LightSettings("Steady", duration=Duration.seconds(259_201))),
            "light duration of 259201 seconds is out of range; use 0-259200 seconds",
        ),
        (
            Profile("p", siren=SirenSettings("Alarm: Horror", duration=Duration.repetitions(21))),
            "siren duration of 21 repetitions is out of range; use 0-20 repetitions",
        ),
    ],
)
def test_local_checks_say_what_is_wrong(profile: Profile, message: str) -> None:
    with pytest.raises(InvalidProfileError) as caught:
        profile.validate()
    assert message in str(caught.value)
    assert isinstance(caught.value, ConfigurationError)


def test_the_limits_themselves_are_allowed() -> None:
    Profile(
        "x" * 50,
        "y" * 250,
        siren=SirenSettings("s", duration=Duration.repetitions(20), priority=10),
        light=LightSettings("l", duration=Duration.seconds(259_200), priority=1),
    ).validate()


# --- checks against capabilities --------------------------------------------------------


def test_capabilities_parse_the_documented_shape(caps: Capabilities) -> None:
    assert caps.poe_class == "3"
    assert caps.health_check
    assert caps.maintenance_mode
    alternate = caps.light_pattern("Alternate")
    assert alternate is not None
    assert alternate.colors is not None
    assert alternate.colors.default == ("red", "blue")
    assert caps.intensity_choice(alternate) is not None
    assert caps.intensity_choice(alternate).possible == (1, 2)  # type: ignore[union-attr]
    assert [p.name for p in caps.siren_patterns] == ["Alarm: Horror", "Siren: Alternate"]


@pytest.mark.parametrize(
    ("profile", "message", "allowed"),
    [
        (
            Profile("p", light=LightSettings("Strobe")),
            "light pattern 'Strobe' is not supported; choose from: Alternate, Steady, "
            "Rotate white + steady color",
            ("Alternate", "Steady", "Rotate white + steady color"),
        ),
        (
            Profile("p", siren=SirenSettings("Alarm Horror")),
            "did you mean 'Alarm: Horror'?",
            ("Alarm: Horror", "Siren: Alternate"),
        ),
        (
            Profile("p", light=LightSettings("Alternate", intensity=5)),
            "light intensity 5 is not allowed at PoE class 3; allowed: 1, 2",
            (1, 2),
        ),
        (
            Profile("p", light=LightSettings("Steady", colors=("red", "blue", "green"))),
            "3 colors given; light pattern 'Steady' takes 1",
            None,
        ),
        (
            Profile("p", light=LightSettings("Alternate", colors=("red",))),
            "1 color given; light pattern 'Alternate' takes 2-4",
            None,
        ),
        (
            Profile("p", light=LightSettings("Rotate white + steady color", colors=("white",))),
            "light color 'white' is not offered by pattern 'Rotate white + steady color'; "
            "allowed: red, green, blue, amber",
            ("red", "green", "blue", "amber"),
        ),
        (
            Profile("p", light=LightSettings("Alternate", speed=3)),
            "light speed 3 is not allowed for pattern 'Alternate'; allowed: 1, 2",
            (1, 2),
        ),
        (
            Profile("p", light=LightSettings("Steady", priority=12)),
            "light priority 12 is reserved",
            tuple(range(1, 11)),
        ),
    ],
)
def test_capability_checks_name_the_value_and_what_is_allowed(
    caps: Capabilities, profile: Profile, message: str, allowed: tuple[object, ...] | None
) -> None:
    with pytest.raises(InvalidProfileError) as caught:
        caps.check_profile(profile)
    assert message in caught.value.message
    assert caught.value.allowed == allowed


def test_a_profile_the_device_offers_passes(caps: Capabilities) -> None:
    caps.check_profile(Profile.from_json(DOC_PROFILES[1]))
    caps.check_profile(
        Profile(
            "ok",
            siren=SirenSettings("Alarm: Horror", intensity=3, priority=10),
            light=LightSettings("Rotate white + steady color", speed=4, colors=()),
        )
    )


def test_intensity_follows_the_poe_class() -> None:
    class4 = Capabilities.from_json({**DOC_CAPABILITIES, "poeClass": "4"})
    class4.check_light(LightSettings("Alternate", intensity=5))


# --- status and health check ------------------------------------------------------------


def test_status_of_the_documented_running_device() -> None:
    status = Status.from_json(
        {
            "siren": [
                {
                    "sirenId": 1,
                    "pattern": "Alarm Classic Clock",
                    "intensity": 5,
                    "durationLeft": 17,
                    "priority": 3,
                    "profile": "Trespassing",
                }
            ],
            "light": [
                {
                    "lightId": 2,
                    "pattern": "Alternate",
                    "speed": 1,
                    "colors": ["blue", "red"],
                    "intensity": 1,
                    "priority": 5,
                },
                {
                    "lightId": 1,
                    "pattern": "Steady",
                    "speed": 1,
                    "colors": ["green"],
                    "intensity": 1,
                    "durationLeft": 12,
                    "priority": 1,
                    "preset": "Trespassing",
                },
            ],
        }
    )
    assert not status.idle
    assert status.sirens[0].duration_left == 17
    # The docs' one "preset" is their typo for "profile".
    assert status.lights[1].profile == "Trespassing"
    assert status.light_showing is not None
    assert status.light_showing.id == 2
    assert status.profiles() == {"Trespassing"}


def test_an_idle_device_answers_an_empty_object() -> None:
    status = Status.from_json({})
    assert status.idle
    assert status.light_showing is None
    assert status.siren_playing is None


def test_started_ids_of_a_light_only_start() -> None:
    assert StartedActivity.from_json({"lightId": 1}) == StartedActivity(None, 1)


def test_an_id_too_long_to_convert_is_a_parse_error() -> None:
    # The docs type ids as strings; int() refuses more than 4300 digits with a ValueError.
    with pytest.raises(ParseError, match="lightId"):
        StartedActivity.from_json({"lightId": "1" * 5000})


def test_health_check_result_is_timezone_aware() -> None:
    result = HealthCheckResult.from_json(
        {
            "timestamp": "2020-01-13T09:03:26+00:00",
            "errors": [
                {"code": 101, "message": "Light is not working optimal"},
                {"code": 102, "message": "Siren is not working optimal"},
            ],
        }
    )
    assert result is not None
    assert result.timestamp == datetime(2020, 1, 13, 9, 3, 26, tzinfo=timezone.utc)
    assert [e.code for e in result.errors] == [101, 102]
    assert not result.passed
    zulu = HealthCheckResult.from_json({"timestamp": "2020-01-13T10:03:26Z"})
    assert zulu is not None
    assert zulu.timestamp - result.timestamp == timedelta(hours=1)


def test_no_health_check_yet_is_none() -> None:
    assert HealthCheckResult.from_json({}) is None


def test_a_health_check_time_without_offset_is_refused() -> None:
    with pytest.raises(ParseError, match="has no UTC offset"):
        HealthCheckResult.from_json({"timestamp": "2020-01-13T09:03:26"})


# --- device error codes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "method", "kind", "field"),
    [
        (1201, "addProfile", ProfileLimitError, None),
        (1202, "addProfile", InvalidProfileRequestError, None),
        (1202, "start", ProfileNotFoundError, None),
        (1202, "removeProfile", ProfileNotFoundError, None),
        (1202, "stop", ProfileNotFoundError, None),
        (1203, "stop", ActivityNotFoundError, None),
        (1205, "setMaintenanceMode", MaintenanceNotSupportedError, None),
        # The docs' start example answers 1205 "Requested light priority is invalid".
        (1205, "start", InvalidSettingError, "light priority"),
        (2201, "addProfile", InvalidSettingError, "light pattern"),
        (2203, "start", InvalidSettingError, "light intensity"),
        (2211, "addProfile", InvalidSettingError, "number of colors"),
        (2213, "addProfile", InvalidSettingError, "name length"),
        (2215, "start", InvalidSettingError, "light speed"),
        (2104, "start", SirenLightError, None),
    ],
)
def test_device_codes_become_typed_errors(
    code: int, method: str, kind: type[SirenLightError], field: str | None
) -> None:
    original = DeviceError(
        "the device's words", code=code, method=method, device="http://d:80", api="x.cgi"
    )
    typed = from_device_error(original, profile="P")
    assert type(typed) is kind
    assert (typed.code, typed.method, typed.device, typed.api) == (
        code,
        method,
        "http://d:80",
        "x.cgi",
    )
    assert typed.profile == "P"
    assert typed.device_message == "the device's words"
    assert "profile 'P': the device's words" in str(typed)
    if field is not None:
        assert isinstance(typed, InvalidSettingError)
        assert typed.field == field


# --- the uploadProfiles request ---------------------------------------------------------


def test_upload_is_multipart_with_a_request_part_and_a_profiles_file() -> None:
    api = SirenLightAPI(cast(SyncTransport, None))
    profiles = [Profile.from_json(item) for item in DOC_PROFILES]
    flow = SirenLightAPI.upload_profiles.flow(
        api, profiles, UploadMode.ERASE_AND_ADD, validate=False
    )
    request = next(flow)
    assert isinstance(request, HttpRequest)
    assert request.content is not None
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    parts = request.content.split(b"--" + boundary)
    assert parts[-1].strip() == b"--"
    head, _, body = parts[1].partition(b"\r\n\r\n")
    assert b'Content-Disposition: form-data; name="request"' in head
    assert b"Content-Type: application/json" in head
    envelope = json.loads(body)
    assert envelope["method"] == "uploadProfiles"
    assert envelope["params"] == {"uploadMode": "erase_and_add"}
    assert envelope["apiVersion"] == "1.0"
    head, _, body = parts[2].partition(b"\r\n\r\n")
    assert b'name="file"; filename="profiles"' in head
    assert json.loads(body) == DOC_PROFILES


# --- profile files ----------------------------------------------------------------------


def test_a_written_file_reads_back_and_is_the_upload_format(tmp_path: Path) -> None:
    profiles = [Profile.from_json(item) for item in DOC_PROFILES]
    path = tmp_path / "profiles.json"
    write_profiles(path, profiles)
    assert read_profiles(path) == profiles
    assert json.loads(path.read_text(encoding="utf-8")) == DOC_PROFILES
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["profiles.json"]


def test_a_failed_write_leaves_the_old_file_and_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "profiles.json"
    write_profiles(path, [Profile.from_json(DOC_PROFILES[2])])
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_profiles(path, [Profile.from_json(item) for item in DOC_PROFILES])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["profiles.json"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "x"}', "f.json: expected a JSON array of profiles, got an object"),
        ("[1, 2", "f.json: not valid JSON"),
        (
            '[{"name": "ok", "siren": {"pattern": "P"}}, {"name": "Night", "light": {}}]',
            "f.json: profile 1 ('Night'): profile.light.pattern is missing",
        ),
        (
            '[{"name": "a", "light": {"pattern": "P"}}, {"name": "a", "light": {"pattern": "Q"}}]',
            "profiles[1]: name 'a' is already used by profiles[0]",
        ),
        (
            '[{"name": "a", "light": {"pattern": "P", "priority": 11}}]',
            "f.json: profiles[0] 'a': light priority 11 is reserved",
        ),
    ],
)
def test_a_bad_file_says_which_profile_and_field(text: str, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        loads_profiles(text, source="f.json")
    assert message in str(caught.value)


# --- properties -------------------------------------------------------------------------

_chars = st.characters(codec="utf-8")
_text = st.text(_chars, max_size=20)
_durations = st.builds(Duration, st.sampled_from(DurationUnit), st.integers(0, 20))
_sirens = st.builds(
    SirenSettings,
    pattern=st.sampled_from(SIREN_PATTERNS),
    intensity=st.none() | st.integers(1, 5),
    duration=st.none() | _durations,
    priority=st.none() | st.integers(1, 10),
)
_lights = st.builds(
    LightSettings,
    pattern=st.sampled_from(LIGHT_PATTERNS),
    speed=st.none() | st.integers(1, 4),
    colors=st.none() | st.lists(st.sampled_from(COLORS), max_size=4).map(tuple),
    intensity=st.none() | st.integers(1, 5),
    duration=st.none() | _durations,
    priority=st.none() | st.integers(1, 10),
)
_profiles = st.builds(
    Profile,
    name=st.text(_chars, min_size=1, max_size=50),
    description=st.none() | st.text(_chars, max_size=250),
    siren=st.none() | _sirens,
    light=_lights,
)


@given(_profiles)
def test_profile_json_round_trip(profile: Profile) -> None:
    wire = json.dumps(profile.to_json(), ensure_ascii=False)
    assert Profile.from_json(json.loads(wire)) == profile


@given(st.lists(_profiles, max_size=5, unique_by=lambda p: p.name))
def test_profile_file_round_trip(profiles: list[Profile]) -> None:
    assert loads_profiles(dumps_profiles(profiles)) == profiles


_keys = st.sampled_from(
    [
        "name",
        "description",
        "siren",
        "light",
        "pattern",
        "speed",
        "colors",
        "intensity",
        "duration",
        "unit",
        "value",
        "priority",
        "sirenId",
        "lightId",
        "durationLeft",
        "profile",
        "preset",
        "timestamp",
        "errors",
        "code",
        "message",
        "supportedPatterns",
        "poeClass",
        "possible",
        "default",
        "minNbrColors",
        "maxNbrColors",
    ]
)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | _text
    | st.sampled_from(["seconds", "repetitions", "2020-01-13T09:03:26+00:00", "3", "Steady"])
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys | _text, inner, max_size=6),
    max_leaves=30,
)


@settings(max_examples=300)
@given(_json)
def test_arbitrary_json_raises_only_parse_error(value: Any) -> None:
    for parse in (
        lambda v: loads_profiles(json.dumps(v)),
        Profile.from_json,
        Status.from_json,
        HealthCheckResult.from_json,
        Capabilities.from_json,
        StartedActivity.from_json,
    ):
        with contextlib.suppress(ParseError):
            parse(value)


@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "replace")))
def test_arbitrary_bytes_raise_only_parse_error(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        loads_profiles(data)


def test_a_malformed_answer_names_the_method_and_field() -> None:
    api = SirenLightAPI(cast(SyncTransport, None))
    flow = SirenLightAPI.status.flow(api)
    next(flow)
    answer = b'{"apiVersion": "1.0", "method": "getStatus", "data": {"light": [{"lightId": 1}]}}'
    with pytest.raises(MalformedResponseError) as caught:
        flow.send(HttpResponse(200, {"content-type": "application/json"}, answer))
    assert "getStatus: data.light[0].pattern is missing, expected a string" in str(caught.value)
