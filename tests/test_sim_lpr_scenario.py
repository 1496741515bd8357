"""Scenario files for the simulated gate camera: the parser, playing them, and ``axisctl sim``."""

from __future__ import annotations

import contextlib
import json
import math
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.sim import SimulatedDevice
from axisctl.sim.clock import SimClock
from axisctl.sim.lpr.scenario import (
    MAX_FILE_BYTES,
    Scenario,
    ScenarioError,
    ScheduledVehicle,
    load_scenario,
    loads_scenario,
    parse_scenario,
    vehicle_from_json,
)
from axisctl.sim.lpr.vehicles import InvalidVehicleError, Vehicle

Run = Callable[..., subprocess.CompletedProcess[str]]

# --- strategies ---------------------------------------------------------------------------

plate_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("Lu", "Nd", "Zs"), max_codepoint=0x17F),
    min_size=1,
    max_size=12,
).filter(lambda text: bool(text.strip()))
seconds = st.floats(min_value=0, max_value=3600, allow_nan=False)


@st.composite
def vehicle_objects(draw: st.DrawFn) -> dict[str, Any]:
    """The JSON object of a valid vehicle, with a random subset of the optional fields."""
    plate = draw(plate_text)
    optional: dict[str, Any] = {
        "country": draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)),
        "region": draw(st.text(max_size=10).filter(str.isprintable)),
        "region_code": draw(st.sampled_from(["", "H", "TÖL"])),
        "direction": draw(st.sampled_from(["in", "out", "unknown"])),
        "roi": draw(st.sampled_from([1, 2])),
        "confidence": draw(st.floats(0, 1)),
        "dwell_s": draw(st.floats(0, 30)),
        "misread": draw(st.none() | plate_text.filter(lambda text: text != plate)),
        "vehicle_type": draw(st.sampled_from(["CAR", "TRUCK", "BUS"])),
        "color": draw(st.sampled_from(["", "BLACK", "RED"])),
        "view": draw(st.sampled_from(["front", "rear"])),
        "read_times": draw(
            st.none()
            | st.lists(st.floats(0.01, 60), max_size=5, unique=True).map(
                lambda values: [0.0, *sorted(values)]
            )
        ),
    }
    keys = draw(st.lists(st.sampled_from(sorted(optional)), unique=True))
    return {"plate": plate, **{key: optional[key] for key in keys}}


def as_vehicle(item: dict[str, Any]) -> Vehicle:
    fields = {k: v for k, v in item.items() if k != "at"}
    if fields.get("read_times") is not None:
        fields["read_times"] = tuple(fields["read_times"])
    return Vehicle(**fields)


# --- the parser -----------------------------------------------------------------------------


@given(st.lists(st.tuples(seconds, vehicle_objects()), max_size=6))
def test_valid_scenarios_parse_to_their_vehicles_in_time_order(
    items: list[tuple[float, dict[str, Any]]],
) -> None:
    document = [{"at": at, **vehicle} for at, vehicle in items]
    scenario = loads_scenario(json.dumps(document))
    expected = sorted(
        (ScheduledVehicle(at, as_vehicle(vehicle)) for at, vehicle in items),
        key=lambda item: item.at,
    )
    assert scenario == Scenario(tuple(expected))
    assert parse_scenario({"vehicles": document}) == scenario


# One field made wrong, and the field the error must name.
_BREAKAGES: list[tuple[str, Any]] = [
    ("plate", ""),
    ("plate", 12),
    ("country", "Sweden"),
    ("direction", "up"),
    ("roi", 0),
    ("roi", "1"),
    ("confidence", -0.1),
    ("confidence", math.inf),
    ("dwell_s", True),
    ("misread", ["A"]),
    ("vehicle_type", "car"),
    ("view", None),
    ("read_times", "0,1"),
    ("at", -1),
    ("at", "soon"),
    ("colour", "RED"),
]


@given(
    st.lists(vehicle_objects(), min_size=1, max_size=4),
    st.data(),
    st.sampled_from(_BREAKAGES),
)
def test_a_broken_vehicle_is_named_by_index_plate_and_field(
    vehicles: list[dict[str, Any]], data: st.DataObject, breakage: tuple[str, Any]
) -> None:
    field, value = breakage
    index = data.draw(st.integers(0, len(vehicles) - 1))
    document: list[dict[str, Any]] = [{"at": 1.0, **vehicle} for vehicle in vehicles]
    document[index][field] = value
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(document)
    assert refused.value.index == index
    assert refused.value.field == field
    assert str(refused.value).startswith(f"vehicle {index}")
    if field != "plate":
        assert repr(document[index]["plate"]) in str(refused.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@given(json_values)
def test_any_json_is_a_scenario_or_a_scenario_error(value: Any) -> None:
    try:
        scenario = parse_scenario(value)
    except ScenarioError:
        return
    assert isinstance(scenario, Scenario)


@given(st.binary(max_size=200))
def test_any_bytes_are_a_scenario_or_a_scenario_error(raw: bytes) -> None:
    with contextlib.suppress(ScenarioError):
        loads_scenario(raw)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{", "must be JSON"),
        ('"cars"', "a list of vehicles"),
        ('{"cars": []}', "unknown scenario field 'cars'"),
        ("{}", "needs 'vehicles'"),
        ("[1]", "vehicle 0: vehicle: is an integer, expected an object"),
        ('[{"plate": "ABC123"}]', "vehicle 0 ('ABC123'): at: is missing"),
        ('[{"at": 0}]', "vehicle 0: plate: is missing"),
    ],
)
def test_scenario_errors_say_what_is_wrong(document: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(")", r"\)")):
        loads_scenario(document)


def test_a_vehicle_object_maps_to_the_vehicle() -> None:
    vehicle = vehicle_from_json(
        {"plate": "ABC123", "roi": 2.0, "read_times": [0, 1.5], "misread": None}
    )
    assert vehicle == Vehicle("ABC123", roi=2, read_times=(0.0, 1.5))
    assert asdict(vehicle)["read_times"] == (0, 1.5)
    with pytest.raises(InvalidVehicleError, match="is not a vehicle field"):
        vehicle_from_json({"plate": "ABC123", "speed": 30})


def test_files_are_read_and_their_errors_name_the_file(tmp_path: Path) -> None:
    good = tmp_path / "traffic.json"
    good.write_text(json.dumps([{"at": 5, "plate": "XYZ987"}, {"at": 1, "plate": "ABC123"}]))
    scenario = load_scenario(good)
    assert [item.vehicle.plate for item in scenario.vehicles] == ["ABC123", "XYZ987"]
    assert scenario.duration_s == 5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"at": 5, "plate": "XYZ987", "roi": 7}]))
    with pytest.raises(ScenarioError, match=r"bad\.json: vehicle 0 \('XYZ987'\): roi"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.json")
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    with pytest.raises(ScenarioError, match="larger than"):
        load_scenario(huge)


# --- playing one ----------------------------------------------------------------------------


@pytest.fixture
def camera() -> Iterator[SimulatedDevice]:
    device = SimulatedDevice("p1455-le-3", serial="ACCC8E0000C1", clock=SimClock(manual=True))
    yield device
    device.close()


def test_vehicles_appear_at_their_times(camera: SimulatedDevice) -> None:
    app = camera.lpr
    assert app is not None
    scenario = loads_scenario(
        json.dumps(
            [
                {"at": 4, "plate": "XYZ987", "direction": "out", "dwell_s": 0},
                {"at": 1.5, "plate": "ABC123", "dwell_s": 0},
                {"at": 2, "plate": "AB1", "dwell_s": 0},  # too short: never read
            ]
        )
    )
    assert app.run_scenario(scenario) == 3
    assert app.scheduled == 3
    camera.clock.advance(30)
    news = camera.bus.events("tnsaxis:CameraApplicationPlatform/ALPV.New")
    assert [(e.time, e.data["carID"], e.data["text"]) for e in news] == [
        (1.5, "1", "ABC123"),
        (4.0, "2", "XYZ987"),
    ]
    assert app.scheduled == 0


def test_scheduled_vehicles_can_be_cancelled(camera: SimulatedDevice) -> None:
    app = camera.lpr
    assert app is not None
    app.run_scenario(loads_scenario('[{"at": 1, "plate": "ABC123"}, {"at": 9, "plate": "XYZ987"}]'))
    camera.clock.advance(5)
    assert app.cancel_scenarios() == 1
    camera.clock.advance(30)
    assert len(camera.bus.events("tnsaxis:CameraApplicationPlatform/ALPV.New")) == 1


# --- axisctl sim --lpr-scenario -------------------------------------------------------------


def test_axisctl_sim_plays_a_scenario_file(
    tmp_path: Path, axisctl_command: list[str], cli_environ: Callable[..., dict[str, str]]
) -> None:
    path = tmp_path / "traffic.json"
    path.write_text(json.dumps([{"at": 2, "plate": "ABC123", "direction": "in"}]))
    process = subprocess.Popen(
        [
            *axisctl_command,
            "sim",
            "--model",
            "p1455-le-3",
            "--port",
            "0",
            "--manual-clock",
            "--lpr-scenario",
            str(path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_environ(None),
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, auth=httpx.DigestAuth("root", "pass")) as http:
            before = http.get("/axisctl-sim/lpr/tracks").json()
            assert before == {"tracks": [], "scheduled": 1}
            http.post("/axisctl-sim/clock", json={"advance": 3}).raise_for_status()
            (track,) = http.get("/axisctl-sim/lpr/tracks").json()["tracks"]
            assert (track["carId"], track["plate"], track["direction"]) == (1, "ABC123", "in")
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0


def test_axisctl_sim_refuses_a_bad_scenario_file(tmp_path: Path, axisctl_cli: Run) -> None:
    path = tmp_path / "traffic.json"
    path.write_text(json.dumps([{"at": 2, "plate": "ABC123", "direction": "north"}]))
    result = axisctl_cli("sim", "--model", "p1455-le-3", "--lpr-scenario", str(path))
    assert result.returncode == 2
    assert "vehicle 0 ('ABC123'): direction" in result.stderr
    other = axisctl_cli("sim", "--model", "d4200-ve", "--lpr-scenario", str(path))
    assert other.returncode == 2
    assert "needs a model with the License Plate Verifier" in other.stderr
