"""The gate camera's test-control routes, ``/axisctl-sim/lpr/...``, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.lpr.state import PlateEntry


@pytest.fixture
def control(gate_sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=gate_sim.urls[0] + "/axisctl-sim/", auth=httpx.DigestAuth("root", "pass")
    ) as client:
        yield client


def tracks(control: httpx.Client) -> list[dict[str, Any]]:
    answer = control.get("lpr/tracks")
    assert answer.status_code == 200
    found: list[dict[str, Any]] = answer.json()["tracks"]
    return found


def test_a_vehicle_posted_now_is_in_view_until_lost(control: httpx.Client) -> None:
    answer = control.post(
        "lpr/vehicles", json={"plate": "ABC123", "direction": "out", "roi": 2, "dwell_s": 1}
    )
    assert answer.status_code == 200
    assert answer.json() == {"carId": 1, "read": True}
    (track,) = tracks(control)
    assert (track["carId"], track["plate"], track["direction"], track["roi"]) == (
        1,
        "ABC123",
        "unknown",
        2,
    )
    assert (track["reads"], track["readsPlanned"], track["lostAt"]) == (1, 3, None)
    control.post("clock", json={"advance": 1}).raise_for_status()
    (track,) = tracks(control)
    assert (track["direction"], track["reads"], track["lostAt"]) == ("out", 3, 11.0)
    control.post("clock", json={"advance": 10}).raise_for_status()
    assert tracks(control) == []


def test_a_plate_the_camera_does_not_read_gives_no_car(control: httpx.Client) -> None:
    answer = control.post("lpr/vehicles", json={"plate": "AB12"})
    assert answer.status_code == 200
    assert answer.json()["carId"] is None
    assert answer.json()["read"] is False
    assert tracks(control) == []


def test_a_scenario_is_scheduled_on_the_device_clock(control: httpx.Client) -> None:
    answer = control.post(
        "lpr/scenario",
        json=[{"at": 2, "plate": "ABC123"}, {"at": 8, "plate": "XYZ987"}],
    )
    assert answer.json() == {"scheduled": 2, "durationS": 8.0}
    assert control.get("lpr/tracks").json()["scheduled"] == 2
    control.post("clock", json={"advance": 2}).raise_for_status()
    assert [t["plate"] for t in tracks(control)] == ["ABC123"]
    assert control.delete("lpr/scenario").json() == {"cancelled": 1}
    control.post("clock", json={"advance": 30}).raise_for_status()
    assert control.get("lpr/tracks").json() == {"tracks": [], "scheduled": 0}


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("lpr/vehicles", b"", "body is empty"),
        ("lpr/vehicles", b"{", "body is not JSON"),
        ("lpr/vehicles", b"[]", "vehicle: vehicle: is a list, expected an object"),
        ("lpr/vehicles", b'{"plate": "ABC123", "roi": 5}', "vehicle: roi: must be one of 1, 2"),
        ("lpr/scenario", b'[{"plate": "ABC123"}]', "vehicle 0 ('ABC123'): at: is missing"),
        ("lpr/scenario", b'{"vehicles": 3}', "a scenario is a list of vehicles"),
    ],
)
def test_bad_requests_get_400_with_the_reason_and_change_nothing(
    control: httpx.Client, gate_camera: SimulatedDevice, path: str, body: bytes, reason: str
) -> None:
    answer = control.post(path, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert reason in answer.json()["error"]
    assert control.get("lpr/tracks").json() == {"tracks": [], "scheduled": 0}
    assert gate_camera.lpr is not None
    assert gate_camera.lpr.state.car_counter == 0


def test_the_barrier_route_lists_each_opening(
    control: httpx.Client, gate_camera: SimulatedDevice
) -> None:
    assert gate_camera.lpr is not None
    with gate_camera.lock:
        state = gate_camera.lpr.state
        state.lists["allow"].entries["ABC123"] = PlateEntry("ABC123")
        state.access.type = "io"
        state.access.barrier_mode = "open_from_lists"
        state.access.direction = "any"
    control.post("lpr/vehicles", json={"plate": "ABC123"}).raise_for_status()
    assert control.get("io/2").json()["active"] is True
    body = control.get("lpr/barrier").json()
    assert body["openings"] == [
        {"carId": 1, "time": 0.0, "target": "io", "port": 2, "pulseMs": 1000}
    ]
    assert body["relay"] == {"sent": 0, "failed": 0, "lastError": ""}


def test_models_without_the_app_answer_400() -> None:
    with (
        Simulator("d4200-ve") as sim,
        httpx.Client(auth=httpx.DigestAuth("root", "pass")) as client,
    ):
        answer = client.get(sim.urls[0] + "/axisctl-sim/lpr/tracks")
    assert answer.status_code == 400
    assert "no License Plate Verifier" in answer.json()["error"]


def test_the_routes_need_an_administrator(gate_sim: Simulator) -> None:
    answer = httpx.get(gate_sim.urls[0] + "/axisctl-sim/lpr/tracks")
    assert answer.status_code == 401
