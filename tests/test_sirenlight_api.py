"""The siren and light client against simulated strobe speakers over real sockets."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import httpx
import pytest

from axisctl import AsyncDevice, Device, ForbiddenError
from axisctl.apis.sirenlight import (
    LIGHT_PATTERNS,
    PATH,
    SIREN_PATTERNS,
    ActivityNotFoundError,
    Capabilities,
    DuplicateProfileError,
    Duration,
    InvalidProfileError,
    InvalidSettingError,
    LightSettings,
    Profile,
    ProfileLimitError,
    ProfileNotFoundError,
    SirenLightError,
    SirenSettings,
    StartedActivity,
    UploadMode,
    read_profiles,
    write_profiles,
)
from axisctl.errors import ConfigurationError
from axisctl.sim import Level, SimulatedDevice, Simulator
from axisctl.sim.rules import DigitalInputActive, Rule, RunProfileWhileActive
from axisctl.sim.sirenlight import SirenLight

USER, PASSWORD = "root", "pass"

RED = LightSettings("Steady", colors=("red",))
INTRUDER = Profile(
    "Intruder",
    description="Red and blue with a siren",
    siren=SirenSettings("Alarm: Horror", intensity=4, priority=5),
    light=LightSettings("Alternate", speed=2, colors=("red", "blue"), intensity=3, priority=5),
)


def service(simulated: SimulatedDevice) -> SirenLight:
    assert simulated.siren_light is not None
    return simulated.siren_light


@pytest.fixture
def strobe(device: Device) -> Device:
    """A device out of maintenance mode, so that activities can be seen."""
    device.siren_light.set_maintenance(False)
    return device


@pytest.fixture
def mstrobe(mdevice: Device) -> Device:
    """``mdevice`` (on a manual clock) out of maintenance mode, as ``strobe`` is."""
    mdevice.siren_light.set_maintenance(False)
    return mdevice


# --- what the device offers -------------------------------------------------------------


def test_versions_and_capabilities(device: Device) -> None:
    assert device.siren_light.supported_versions() == ["1.0"]
    caps = device.siren_light.capabilities()
    assert [p.name for p in caps.light_patterns] == list(LIGHT_PATTERNS)
    assert [p.name for p in caps.siren_patterns] == list(SIREN_PATTERNS)
    assert caps.poe_class == "4"
    assert caps.health_check
    assert caps.maintenance_mode
    alternate = caps.light_pattern("Alternate")
    assert alternate is not None
    assert alternate.colors is not None
    assert (alternate.colors.min_colors, alternate.colors.max_colors) == (2, 4)


def test_light_intensity_is_limited_at_poe_class_3() -> None:
    with (
        Simulator("d4200-ve", poe_class="3") as sim,
        Device(sim.urls[0], USER, PASSWORD, retries=0) as dev,
    ):
        caps = dev.siren_light.capabilities()
        with pytest.raises(InvalidProfileError) as caught:
            dev.siren_light.add_profile(
                Profile("Bright", light=LightSettings("Steady", intensity=5)), capabilities=caps
            )
        assert "light intensity 5 is not allowed at PoE class 3; allowed: 1, 2" in str(caught.value)


# --- maintenance mode -------------------------------------------------------------------


def test_a_new_device_is_in_maintenance_mode_until_turned_off(device: Device) -> None:
    status = device.siren_light.status()
    assert status.light_showing is not None
    assert status.light_showing.priority == 11
    assert status.light_showing.pattern == "Pulse"
    device.siren_light.set_maintenance(False)
    assert device.siren_light.status().idle


def test_maintenance_mode_hides_profiles_and_stop_all_does_not_end_it(device: Device) -> None:
    device.siren_light.add_profile(INTRUDER)
    device.siren_light.start("Intruder")
    showing = device.siren_light.status().light_showing
    assert showing is not None
    assert showing.priority == 11
    device.siren_light.stop_all()
    status = device.siren_light.status()
    assert {a.priority for a in status.lights} == {11}
    assert {a.priority for a in status.sirens} == {11}


def test_timed_maintenance_ends_by_itself(msim: Simulator, mstrobe: Device) -> None:
    mstrobe.siren_light.set_maintenance(True, 60)
    assert not mstrobe.siren_light.status().idle
    msim.clock.advance(59)
    assert not mstrobe.siren_light.status().idle
    msim.clock.advance(2)
    assert mstrobe.siren_light.status().idle


def test_a_maintenance_duration_with_off_is_refused_before_sending(device: Device) -> None:
    with pytest.raises(ConfigurationError, match="only makes sense when turning it on"):
        device.siren_light.set_maintenance(False, 60)


# --- profiles and activities ------------------------------------------------------------


def test_profile_lifecycle(strobe: Device) -> None:
    api = strobe.siren_light
    api.add_profile(INTRUDER)
    assert [p.name for p in api.profiles()] == ["Intruder"]
    assert api.profiles()[0] == INTRUDER
    started = api.start("Intruder")
    assert started.siren_id is not None
    assert started.light_id is not None
    status = api.status()
    assert status.profiles() == {"Intruder"}
    assert status.light_showing is not None
    assert status.light_showing.id == started.light_id
    assert status.light_showing.colors == ("red", "blue")
    api.stop("Intruder")
    assert api.status().idle
    api.remove_profile("Intruder")
    assert api.profiles() == []


async def test_profile_lifecycle_async(adevice: AsyncDevice) -> None:
    api = adevice.siren_light
    await api.set_maintenance(False)
    caps = await api.capabilities()
    await api.add_profile(INTRUDER, capabilities=caps)
    started = await api.start("Intruder")
    status = await api.status()
    assert status.siren_playing is not None
    assert status.siren_playing.id == started.siren_id
    assert status.siren_playing.pattern == "Alarm: Horror"
    await api.stop_ids(siren_id=started.siren_id, light_id=started.light_id)
    assert (await api.status()).idle
    await api.remove_profile("Intruder")
    with pytest.raises(ProfileNotFoundError):
        await api.remove_profile("Intruder")


def test_profile_defaults_are_filled_in_by_the_device(strobe: Device) -> None:
    strobe.siren_light.add_profile(Profile("Plain", light=LightSettings("Alternate")))
    stored = strobe.siren_light.profiles()[0]
    assert stored.light is not None
    caps = strobe.siren_light.capabilities()
    pattern = caps.light_pattern("Alternate")
    assert pattern is not None
    assert pattern.colors is not None
    assert stored.light.colors == pattern.colors.default


def test_an_ad_hoc_light_returns_only_its_id_and_stops_by_id(strobe: Device) -> None:
    started = strobe.siren_light.start_pattern(
        light=LightSettings("Steady", colors=("green",), intensity=1, priority=1)
    )
    assert started == StartedActivity(siren_id=None, light_id=started.light_id)
    assert started.light_id is not None
    strobe.siren_light.stop_ids(light_id=started.light_id)
    assert strobe.siren_light.status().idle
    with pytest.raises(ActivityNotFoundError) as caught:
        strobe.siren_light.stop_ids(light_id=started.light_id)
    assert caught.value.code == 1203


def test_an_ad_hoc_pattern_is_checked_before_sending(
    strobe: Device, simulated: SimulatedDevice
) -> None:
    caps = strobe.siren_light.capabilities()
    before = simulated.request_count(PATH)
    with pytest.raises(InvalidProfileError, match="did you mean 'Alarm: Horror'"):
        strobe.siren_light.start_pattern(siren=SirenSettings("Alarm Horror"), capabilities=caps)
    assert simulated.request_count(PATH) == before


def test_starting_an_unknown_profile_names_it_and_the_device(strobe: Device) -> None:
    with pytest.raises(ProfileNotFoundError) as caught:
        strobe.siren_light.start("Nobody")
    assert caught.value.code == 1202
    assert caught.value.method == "start"
    assert caught.value.profile == "Nobody"
    assert strobe.url in str(caught.value)
    assert "'Nobody'" in str(caught.value)


def test_a_viewer_may_not_start_a_profile(sim: Simulator, strobe: Device) -> None:
    strobe.siren_light.add_profile(INTRUDER)
    sim.devices[0].add_account("watcher", "watcher-pw", Level.VIEWER)
    with (
        Device(sim.urls[0], "watcher", "watcher-pw", retries=0) as viewer,
        pytest.raises(ForbiddenError),
    ):
        viewer.siren_light.start("Intruder")
    assert strobe.siren_light.status().idle


# --- priorities -------------------------------------------------------------------------


def _priority_profiles(device: Device) -> None:
    for name, priority, color in (("A", 3, "green"), ("B", 4, "red"), ("C", 3, "blue")):
        light = LightSettings("Steady", colors=(color,), priority=priority)
        device.siren_light.add_profile(Profile(name, light=light))


def test_a_higher_priority_interrupts_and_the_lower_one_comes_back(strobe: Device) -> None:
    _priority_profiles(strobe)
    api = strobe.siren_light
    api.start("A")
    api.start("B")
    status = api.status()
    assert status.profiles() == {"A", "B"}
    assert status.light_showing is not None
    assert status.light_showing.profile == "B"
    api.stop("B")
    showing = api.status().light_showing
    assert showing is not None
    assert showing.profile == "A"


def test_the_same_priority_replaces_the_previous_profile(strobe: Device) -> None:
    _priority_profiles(strobe)
    strobe.siren_light.start("A")
    strobe.siren_light.start("C")
    assert strobe.siren_light.status().profiles() == {"C"}


def test_a_timed_profile_ends_by_itself(msim: Simulator, mstrobe: Device) -> None:
    light = LightSettings("Pulse", duration=Duration.seconds(30))
    mstrobe.siren_light.add_profile(Profile("Short", light=light))
    mstrobe.siren_light.start("Short")
    msim.clock.advance(10)
    showing = mstrobe.siren_light.status().light_showing
    assert showing is not None
    assert showing.duration_left == 20
    msim.clock.advance(21)
    assert mstrobe.siren_light.status().idle


# --- bad profiles: the device's answer, and the local refusal ---------------------------

BAD_PROFILES = [
    pytest.param(
        Profile("Bad", light=LightSettings("Strobe")),
        2201,
        "light pattern",
        "light pattern 'Strobe' is not supported; choose from: Off, Steady, Alternate",
        id="unknown pattern",
    ),
    pytest.param(
        Profile("Bad", light=LightSettings("Steady", colors=("red", "blue", "green"))),
        2211,
        "number of colors",
        "3 colors given; light pattern 'Steady' takes 1",
        id="too many colours",
    ),
    pytest.param(
        Profile("Bad", light=LightSettings("Steady", priority=11)),
        2205,
        "light priority",
        "light priority 11 is reserved (11 maintenance, 12 identify, 13 health check); use 1-10",
        id="priority 11",
    ),
    pytest.param(
        Profile("N" * 51, light=RED),
        2213,
        "name length",
        "profile name is 51 characters; the device allows at most 50",
        id="name of 51 characters",
    ),
]


@pytest.mark.parametrize(("profile", "code", "field", "local_message"), BAD_PROFILES)
def test_the_device_refuses_bad_profiles_with_its_code(
    device: Device,
    simulated: SimulatedDevice,
    profile: Profile,
    code: int,
    field: str,
    local_message: str,
) -> None:
    with pytest.raises(InvalidSettingError) as caught:
        device.siren_light.add_profile(profile, validate=False)
    assert caught.value.code == code
    assert caught.value.field == field
    assert caught.value.method == "addProfile"
    assert f"error {code}" in str(caught.value)
    assert service(simulated).profiles == {}


@pytest.mark.parametrize(("profile", "code", "field", "local_message"), BAD_PROFILES)
def test_validation_refuses_bad_profiles_locally_with_the_allowed_values(
    device: Device,
    simulated: SimulatedDevice,
    profile: Profile,
    code: int,
    field: str,
    local_message: str,
) -> None:
    caps = device.siren_light.capabilities()
    before = simulated.request_count(PATH)
    with pytest.raises(InvalidProfileError) as caught:
        device.siren_light.add_profile(profile, capabilities=caps)
    assert local_message in str(caught.value)
    assert simulated.request_count(PATH) == before


def test_validation_costs_one_capabilities_call(device: Device, simulated: SimulatedDevice) -> None:
    device.siren_light.supported_versions()  # the Digest challenge is paid once, here
    before = simulated.request_count(PATH)
    with pytest.raises(InvalidProfileError):
        device.siren_light.add_profile(Profile("Bad", light=LightSettings("Strobe")))
    assert simulated.request_count(PATH) == before + 1


@pytest.mark.parametrize("validate", [True, False])
def test_a_duplicate_name_is_reported_as_such(device: Device, validate: bool) -> None:
    device.siren_light.add_profile(INTRUDER)
    with pytest.raises(DuplicateProfileError) as caught:
        device.siren_light.add_profile(INTRUDER, validate=validate)
    assert caught.value.code == 1202
    assert "profile 'Intruder' already exists" in str(caught.value)
    assert "overwrite" in str(caught.value)


def test_thirty_profiles_fill_the_device(device: Device) -> None:
    thirty = [Profile(f"P{n:02}", light=RED) for n in range(30)]
    device.siren_light.upload_profiles(thirty, UploadMode.ERASE_AND_ADD)
    assert len(device.siren_light.profiles()) == 30
    with pytest.raises(ProfileLimitError) as caught:
        device.siren_light.add_profile(Profile("P30", light=RED))
    assert caught.value.code == 1201
    with pytest.raises(InvalidProfileError, match="31 profiles given; a device holds at most 30"):
        device.siren_light.upload_profiles([*thirty, Profile("P30", light=RED)], "erase_and_add")


# --- uploads, export and import ---------------------------------------------------------

OLD = [Profile("Keep", light=RED), Profile("Shared", light=LightSettings("Pulse"))]
NEW = [
    Profile("Shared", light=LightSettings("Blink", colors=("amber",))),
    Profile("Fresh", siren=SirenSettings("Siren: Evac", duration=Duration.repetitions(3))),
]


def _names(device: Device) -> set[str]:
    return {p.name for p in device.siren_light.profiles()}


def test_upload_add_adds_new_names(device: Device) -> None:
    device.siren_light.upload_profiles(OLD, UploadMode.ADD)
    device.siren_light.upload_profiles([NEW[1]], UploadMode.ADD)
    assert _names(device) == {"Keep", "Shared", "Fresh"}


def test_upload_add_with_a_taken_name_changes_nothing(device: Device) -> None:
    device.siren_light.upload_profiles(OLD, UploadMode.ADD)
    before = device.siren_light.profiles()
    with pytest.raises(DuplicateProfileError, match="profiles already on the device: 'Shared'"):
        device.siren_light.upload_profiles(NEW, UploadMode.ADD)
    assert device.siren_light.profiles() == before


def test_upload_overwrite_replaces_same_names_and_keeps_others(device: Device) -> None:
    device.siren_light.upload_profiles(OLD, UploadMode.ADD)
    device.siren_light.upload_profiles(NEW, UploadMode.OVERWRITE)
    by_name = {p.name: p for p in device.siren_light.profiles()}
    assert set(by_name) == {"Keep", "Shared", "Fresh"}
    shared = by_name["Shared"].light
    assert shared is not None
    assert shared.pattern == "Blink"


async def test_upload_erase_and_add_replaces_everything(adevice: AsyncDevice) -> None:
    await adevice.siren_light.upload_profiles(OLD, UploadMode.ADD)
    await adevice.siren_light.upload_profiles(NEW, "erase_and_add")
    assert {p.name for p in await adevice.siren_light.profiles()} == {"Shared", "Fresh"}


def test_names_beyond_ascii_survive_an_upload(device: Device) -> None:
    name = "Nattlarm \u00e5\u00e4\u00f6 \u2013 \u591c"
    device.siren_light.upload_profiles([Profile(name, "F\u00f6rr\u00e5d", light=RED)], "add")
    assert device.siren_light.profiles()[0].name == name
    device.siren_light.set_maintenance(False)
    device.siren_light.start(name)
    assert device.siren_light.status().profiles() == {name}


def test_upload_checks_every_profile_first(device: Device, simulated: SimulatedDevice) -> None:
    bad = [*OLD, Profile("Loud", siren=SirenSettings("Alarm: Horror", intensity=9))]
    with pytest.raises(InvalidProfileError, match=r"profiles\[2\] 'Loud': siren intensity 9"):
        device.siren_light.upload_profiles(bad, UploadMode.ADD)
    assert service(simulated).profiles == {}


def test_export_from_one_device_imports_into_another(tmp_path: Path) -> None:
    with (
        Simulator("d4200-ve", count=2) as sim,
        Device(sim.urls[0], USER, PASSWORD, retries=0) as source,
        Device(sim.urls[1], USER, PASSWORD, retries=0) as target,
    ):
        source.siren_light.upload_profiles([*OLD, NEW[1], INTRUDER], UploadMode.ADD)
        target.siren_light.add_profile(Profile("Local", light=RED))
        path = tmp_path / "profiles.json"
        write_profiles(path, source.siren_light.profiles())
        target.siren_light.upload_profiles(read_profiles(path), UploadMode.ERASE_AND_ADD)
        assert target.siren_light.profiles() == source.siren_light.profiles()
        target.siren_light.set_maintenance(False)
        target.siren_light.start("Intruder")
        assert target.siren_light.status().profiles() == {"Intruder"}


def test_the_exported_file_is_what_the_device_accepts_as_an_upload(
    device: Device, tmp_path: Path
) -> None:
    device.siren_light.upload_profiles([INTRUDER, *OLD], UploadMode.ADD)
    path = tmp_path / "profiles.json"
    write_profiles(path, device.siren_light.profiles())
    # Straight to the device, without the library: the file is the upload's "file" part.
    envelope = '{"apiVersion":"1.0","method":"uploadProfiles","params":{"uploadMode":"overwrite"}}'
    with httpx.Client(auth=httpx.DigestAuth(USER, PASSWORD)) as client:
        answer = client.post(
            device.url + PATH,
            files={
                "request": (None, envelope, "application/json"),
                "file": ("profiles", path.read_bytes(), "application/json"),
            },
        ).json()
    assert answer["data"] == {}
    assert _names(device) == {"Intruder", "Keep", "Shared"}


# --- health check -----------------------------------------------------------------------


def test_health_check_result_appears_when_the_check_is_done(
    msim: Simulator, mstrobe: Device
) -> None:
    api = mstrobe.siren_light
    assert api.last_health_check() is None
    api.run_health_check()
    showing = api.status().light_showing
    assert showing is not None
    assert showing.priority == 13
    assert api.last_health_check() is None
    msim.clock.advance(30)
    result = api.last_health_check()
    assert result is not None
    assert result.passed
    assert result.timestamp.tzinfo is not None
    assert result.timestamp.utcoffset() == timezone.utc.utcoffset(None)
    assert api.status().idle


def test_health_check_problems_are_listed(msim: Simulator, mstrobe: Device) -> None:
    service(msim.devices[0]).health_faults = [(101, "Light is not working optimal")]
    mstrobe.siren_light.run_health_check()
    msim.clock.advance(30)
    result = mstrobe.siren_light.last_health_check()
    assert result is not None
    assert not result.passed
    assert [(e.code, e.message) for e in result.errors] == [(101, "Light is not working optimal")]


# --- the manual's recipes ---------------------------------------------------------------


def test_the_manuals_start_and_stop_bodies(strobe: Device) -> None:
    strobe.siren_light.add_profile(Profile("Strobe speaker profile", light=RED))
    # Verbatim, odd spacing included (manual L498-L501 and L516-L518).
    start = (
        '{  "apiVersion": "1.0",  "method": "start",  "params": {\n'
        '    "profile": "Strobe speaker profile"  } }'
    )
    stop = (
        '{  "apiVersion": "1.0",  "method": "stop",  "params": {    '
        '"profile" : "Strobe speaker profile"  } }'
    )
    with httpx.Client(auth=httpx.DigestAuth(USER, PASSWORD)) as camera:
        answer = camera.post(
            strobe.url + PATH, content=start, headers={"Content-Type": "application/json"}
        ).json()
        assert "error" not in answer
        assert strobe.siren_light.status().profiles() == {"Strobe speaker profile"}
        camera.post(strobe.url + PATH, content=stop, headers={"Content-Type": "application/json"})
    assert strobe.siren_light.status().idle


def test_a_digital_input_runs_a_higher_priority_profile_while_active(
    strobe: Device, simulated: SimulatedDevice
) -> None:
    _priority_profiles(strobe)
    simulated.rules.add(
        Rule(condition=DigitalInputActive(port=1), action=RunProfileWhileActive("B"))
    )
    strobe.siren_light.start("A")
    with httpx.Client(base_url=strobe.url, auth=httpx.DigestAuth(USER, PASSWORD)) as bench:
        assert bench.post("/axisctl-sim/io/1", json={"circuit": "closed"}).status_code == 200
        showing = strobe.siren_light.status().light_showing
        assert showing is not None
        assert showing.profile == "B"
        bench.post("/axisctl-sim/io/1", json={"circuit": "open"})
    showing = strobe.siren_light.status().light_showing
    assert showing is not None
    assert showing.profile == "A"


def test_a_camera_activates_a_virtual_input_that_runs_a_profile(strobe: Device) -> None:
    strobe.siren_light.add_profile(INTRUDER)
    with httpx.Client(base_url=strobe.url, auth=httpx.DigestAuth(USER, PASSWORD)) as bench:
        rule = {
            "condition": {"type": "virtual-input", "port": 1},
            "action": {"type": "run-while-active", "profile": "Intruder"},
        }
        assert bench.post("/axisctl-sim/rules", json=rule).status_code == 200
        # What the camera's HTTP recipient calls, as in the manual.
        bench.get("/axis-cgi/virtualinput/activate.cgi", params={"schemaversion": 1, "port": 1})
        assert strobe.siren_light.status().profiles() == {"Intruder"}
        bench.get("/axis-cgi/virtualinput/deactivate.cgi", params={"schemaversion": 1, "port": 1})
    assert strobe.siren_light.status().idle


def test_errors_are_siren_light_errors(strobe: Device) -> None:
    with pytest.raises(ProfileNotFoundError) as caught:
        strobe.siren_light.stop("Nobody")
    assert isinstance(caught.value, SirenLightError)
    assert caught.value.code == 1202
    with pytest.raises(ConfigurationError):
        strobe.siren_light.stop_ids()
    caps: Capabilities = strobe.siren_light.capabilities()
    with pytest.raises(ConfigurationError):
        strobe.siren_light.start_pattern(capabilities=caps)
