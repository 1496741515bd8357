"""siren_and_light.cgi of the simulated D4200-VE on the wire: bodies, codes, maintenance."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from axisctl.sim import Level, SimulatedDevice, Simulator
from axisctl.sim.sirenlight.patterns import LIGHT_PATTERNS, SIREN_PATTERNS

USER, PASSWORD = "root", "pass"

PATH = "/axis-cgi/siren_and_light.cgi"


@pytest.fixture
def http(msim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=msim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD)) as client:
        yield client


def call(http: httpx.Client, method: str, params: dict[str, Any] | None = None) -> Any:
    body: dict[str, Any] = {"apiVersion": "1.0", "context": "t", "method": method}
    if params is not None:
        body["params"] = params
    response = http.post(PATH, json=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert answer["context"] == "t"
    assert answer["method"] == method
    return answer


def data(http: httpx.Client, method: str, params: dict[str, Any] | None = None) -> Any:
    answer = call(http, method, params)
    assert "error" not in answer, answer
    return answer["data"]


def code(http: httpx.Client, method: str, params: dict[str, Any] | None = None) -> int:
    answer = call(http, method, params)
    assert "data" not in answer
    error_code: int = answer["error"]["code"]
    return error_code


def profile(name: str, **light: Any) -> dict[str, Any]:
    return {"name": name, "light": {"pattern": "Steady", "colors": ["red"], **light}}


def test_capabilities_list_the_manuals_patterns(http: httpx.Client) -> None:
    caps = data(http, "getCapabilities")["capabilities"]
    lights = [p["name"] for p in caps["light"]["supportedPatterns"]]
    sirens = [p["name"] for p in caps["siren"]["supportedPatterns"]]
    assert len(lights) == 19
    assert "Direction C" in lights
    assert "Blink 4x fade" in lights
    assert len(sirens) == 29
    assert "Alarm: Horror" in sirens
    assert "Siren: Home soft" in sirens
    assert set(lights) == set(LIGHT_PATTERNS)
    assert set(sirens) == set(SIREN_PATTERNS)
    assert caps["healthCheckSupport"] is True
    assert caps["maintenanceModeSupport"] is True
    assert caps["poeClass"] == "4"


def test_poe_class_3_limits_light_intensity() -> None:
    with Simulator("d4200-ve", poe_class="3") as low_power:
        client = httpx.Client(base_url=low_power.urls[0], auth=httpx.DigestAuth(USER, PASSWORD))
        with client:
            caps = data(client, "getCapabilities")["capabilities"]
            steady = next(p for p in caps["light"]["supportedPatterns"] if p["name"] == "Steady")
            assert steady["intensity"]["poeClass"]["3"]["possible"] == [1, 2]
            assert caps["poeClass"] == "3"
            light = {"pattern": "Steady", "colors": ["red"], "intensity": 5}
            assert code(client, "start", {"light": light}) == 2203
            assert "lightId" in data(client, "start", {"light": {**light, "intensity": 2}})


def test_fresh_device_is_in_maintenance_mode(http: httpx.Client, msim: Simulator) -> None:
    status = data(http, "getStatus")
    assert [e["priority"] for e in status["light"]] == [11]
    outputs = msim.devices[0].siren_light.outputs()  # type: ignore[union-attr]
    assert outputs["maintenance"]
    assert outputs["sirenOn"] is False
    assert outputs["light"]["pattern"] == "Pulse"
    assert outputs["light"]["colors"] == ["white"]


def test_a_profile_started_in_maintenance_only_plays_once_maintenance_ends(
    http: httpx.Client, msim: Simulator
) -> None:
    service = msim.devices[0].siren_light
    assert service is not None
    data(http, "addProfile", {**profile("Alarm"), "siren": {"pattern": "Alarm: Bird"}})
    ids = data(http, "start", {"profile": "Alarm"})
    assert set(ids) == {"sirenId", "lightId"}
    assert service.outputs()["sirenOn"] is False
    data(http, "setMaintenanceMode", {"maintenanceMode": False})
    outputs = service.outputs()
    assert outputs["sirenOn"]
    assert outputs["siren"]["pattern"] == "Alarm: Bird"
    assert outputs["light"]["profile"] == "Alarm"


def test_timed_maintenance_counts_down_and_survives_a_restart(
    http: httpx.Client, msim: Simulator
) -> None:
    simulated = msim.devices[0]
    data(http, "setMaintenanceMode", {"maintenanceMode": True, "duration": 7200})
    msim.clock.advance(1800)
    simulated.restart(seconds=1800)  # off for half an hour: the timer keeps running
    msim.clock.advance(1800)
    assert data(http, "getStatus")["light"][0]["durationLeft"] == 3600
    msim.clock.advance(3599)
    assert simulated.siren_light is not None
    assert simulated.siren_light.maintenance
    msim.clock.advance(1)
    assert not simulated.siren_light.maintenance
    assert data(http, "getStatus") == {}


def test_restart_drops_activities_but_keeps_profiles(http: httpx.Client, msim: Simulator) -> None:
    data(http, "setMaintenanceMode", {"maintenanceMode": False})
    data(http, "addProfile", profile("P"))
    data(http, "start", {"profile": "P"})
    msim.devices[0].restart(seconds=10)
    assert http.post(PATH, json={"apiVersion": "1.0", "method": "getStatus"}).status_code == 503
    msim.clock.advance(10)
    assert data(http, "getStatus") == {}
    assert [p["name"] for p in data(http, "getProfiles")["profiles"]] == ["P"]


def test_factory_default_returns_to_maintenance_and_forgets_profiles(
    http: httpx.Client, msim: Simulator
) -> None:
    data(http, "setMaintenanceMode", {"maintenanceMode": False})
    data(http, "addProfile", profile("P"))
    msim.devices[0].factory_default()
    assert data(http, "getProfiles")["profiles"] == []
    assert data(http, "getStatus")["light"][0]["priority"] == 11


def test_manual_start_and_stop_bodies_are_accepted(http: httpx.Client) -> None:
    """The manual's bodies, spacing and all (``"profile" : ``)."""
    data(http, "addProfile", profile("Strobe speaker profile"))
    start = (
        '{  "apiVersion": "1.0",  "method": "start",  "params": {\n'
        '    "profile": "Strobe speaker profile"  } }'
    )
    stop = (
        '{  "apiVersion": "1.0",  "method": "stop",  "params": {'
        '    "profile" : "Strobe speaker profile"  } }'
    )
    headers = {"Content-Type": "application/json"}
    started = http.post(PATH, content=start, headers=headers).json()
    assert started["data"] == {"lightId": 2}
    assert http.post(PATH, content=stop, headers=headers).json()["data"] == {}
    assert "light" not in data(http, "getStatus") or all(
        e.get("profile") != "Strobe speaker profile" for e in data(http, "getStatus")["light"]
    )


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (profile("x", pattern="Disco"), 2201),
        ({"name": "x", "siren": {"pattern": "Alarm: Nope"}}, 2200),
        (profile("x", pattern="Steady", colors=["red", "blue"]), 2211),
        (profile("x", pattern="Steady", colors=["purple"]), 2212),
        (profile("x", priority=11), 2205),
        ({"name": "x", "siren": {"pattern": "Alarm: Bird", "priority": 0}}, 2204),
        (profile("x", speed=9), 2215),
        (profile("x", duration={"unit": "minutes", "value": 1}), 2207),
        (profile("x", duration={"unit": "seconds", "value": 259_201}), 2209),
        (profile("x" * 51), 2213),
        ({**profile("x"), "description": "d" * 251}, 2214),
        ({"name": "x"}, 1202),
        ({"light": {"pattern": "Steady"}}, 2103),
    ],
)
def test_bad_profiles_get_the_documented_codes(
    http: httpx.Client, bad: dict[str, Any], expected: int
) -> None:
    assert code(http, "addProfile", bad) == expected
    assert data(http, "getProfiles")["profiles"] == []


def test_names_are_unique_and_thirty_profiles_is_the_limit(http: httpx.Client) -> None:
    data(http, "addProfile", profile("x" * 50))
    assert code(http, "addProfile", profile("x" * 50)) == 1202
    for index in range(29):
        data(http, "addProfile", profile(f"P{index}"))
    assert code(http, "addProfile", profile("one too many")) == 1201
    assert len(data(http, "getProfiles")["profiles"]) == 30


def test_stop_errors(http: httpx.Client) -> None:
    assert code(http, "stop", {"lightId": 99}) == 1203
    assert code(http, "stop", {"profile": "nope"}) == 1202
    assert code(http, "stop", {"all": ["siren", "horn"]}) == 2210
    assert code(http, "stop", {}) == 2103
    maintenance_id = data(http, "getStatus")["light"][0]["lightId"]
    assert code(http, "stop", {"lightId": maintenance_id}) == 2104
    data(http, "stop", {"all": ["siren", "light"]})
    assert data(http, "getStatus")["light"][0]["priority"] == 11


def test_start_errors(http: httpx.Client) -> None:
    assert code(http, "start", {"profile": "nope"}) == 1202
    assert code(http, "start", {}) == 2103
    both = {"profile": "x", "light": {"pattern": "Steady"}}
    assert code(http, "start", both) == 2104
    seconds = {"pattern": "Alarm: Bird", "duration": {"unit": "seconds", "value": -1}}
    assert code(http, "start", {"siren": seconds}) == 2208


def test_health_check_runs_at_priority_13_and_reports(http: httpx.Client, msim: Simulator) -> None:
    service = msim.devices[0].siren_light
    assert service is not None
    assert data(http, "getLastHealthCheck") == {}
    service.health_faults = [(101, "Light is not working optimal")]
    data(http, "runHealthCheck")
    assert data(http, "getStatus")["light"][0]["priority"] == 13
    assert data(http, "getLastHealthCheck") == {}
    msim.clock.advance(8)
    result = data(http, "getLastHealthCheck")
    assert result["errors"] == [{"code": 101, "message": "Light is not working optimal"}]
    assert result["timestamp"].endswith("+00:00")
    assert [e["priority"] for e in data(http, "getStatus")["light"]] == [11]


def test_envelope_errors(http: httpx.Client) -> None:
    assert http.post(PATH, content=b"{nope").json()["error"]["code"] == 2101
    assert code(http, "setProfile", {}) == 2102
    wrong = http.post(PATH, json={"apiVersion": "2.0", "method": "getStatus"}).json()
    assert wrong["error"]["code"] == 2100
    versions = http.post(PATH, json={"method": "getSupportedVersions"}).json()
    assert versions["data"] == {"apiVersions": ["1.0"]}
    assert code(http, "setMaintenanceMode", {}) == 2103
    assert code(http, "setMaintenanceMode", {"maintenanceMode": "yes"}) == 2104


def test_viewers_are_refused(msim: Simulator) -> None:
    simulated: SimulatedDevice = msim.devices[0]
    simulated.add_account("viewer", "viewerpass", Level.VIEWER)
    with httpx.Client(
        base_url=msim.urls[0], auth=httpx.DigestAuth("viewer", "viewerpass")
    ) as client:
        response = client.post(PATH, json={"apiVersion": "1.0", "method": "getStatus"})
    assert response.status_code == 401


def _multipart(http: httpx.Client, request: dict[str, Any], file: bytes) -> dict[str, Any]:
    files: dict[str, tuple[str | None, bytes, str]] = {
        "request": (None, json.dumps(request).encode(), "application/json"),
        "file": ("profiles", file, "application/json"),
    }
    answer: dict[str, Any] = http.post(PATH, files=files).json()
    return answer


def _upload(http: httpx.Client, mode: str, profiles: Any) -> dict[str, Any]:
    request = {
        "apiVersion": "1.0",
        "context": "t",
        "method": "uploadProfiles",
        "params": {"uploadMode": mode},
    }
    return _multipart(http, request, json.dumps(profiles).encode())


def names(http: httpx.Client) -> list[str]:
    return [p["name"] for p in data(http, "getProfiles")["profiles"]]


def test_upload_modes(http: httpx.Client) -> None:
    data(http, "addProfile", profile("A"))
    data(http, "addProfile", profile("B"))
    assert _upload(http, "add", [profile("C")])["data"] == {}
    assert names(http) == ["A", "B", "C"]
    assert _upload(http, "add", [profile("A")])["error"]["code"] == 1202
    assert (
        _upload(http, "overwrite", [profile("A", pattern="Blink", colors=["amber"])])["data"] == {}
    )
    stored_a = data(http, "getProfiles")["profiles"][0]
    assert stored_a["light"]["pattern"] == "Blink"
    assert _upload(http, "erase_and_add", [profile("Z")])["data"] == {}
    assert names(http) == ["Z"]


def test_a_bad_upload_changes_nothing(http: httpx.Client) -> None:
    data(http, "addProfile", profile("Keep"))
    bad = [profile("New"), profile("Broken", pattern="Disco")]
    assert _upload(http, "erase_and_add", bad)["error"]["code"] == 2201
    assert (
        _upload(http, "erase_and_add", [profile(f"P{i}") for i in range(31)])["error"]["code"]
        == 1201
    )
    assert _upload(http, "sideways", [profile("New")])["error"]["code"] == 2104
    upload = {"apiVersion": "1.0", "method": "uploadProfiles", "params": {"uploadMode": "add"}}
    not_json = _multipart(http, upload, b"[{")
    assert not_json["error"]["code"] == 2101
    assert names(http) == ["Keep"]
