"""Vehicles in front of the simulated gate camera: NEW / UPDATE / LOST, the event log, images
and the ``ALPV.*`` events, on a manual clock."""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from typing import Any

import pytest

from axisctl import AsyncDevice
from axisctl.events import LicensePlateEvent
from axisctl.events.stream import open_stream
from axisctl.sim import SimulatedDevice
from axisctl.sim.bus import SimEvent
from axisctl.sim.clock import SimClock
from axisctl.sim.lpr.app import LprApp
from axisctl.sim.lpr.images import HEIGHT, WIDTH, jpeg_comment, plate_jpeg, segments
from axisctl.sim.lpr.state import PlateEntry
from axisctl.sim.lpr.vehicles import InvalidVehicleError, Vehicle

ALPV = "tnsaxis:CameraApplicationPlatform/ALPV."


@pytest.fixture
def camera() -> Iterator[SimulatedDevice]:
    """A gate camera without HTTP, on a manual clock: the app on its own."""
    device = SimulatedDevice("p1455-le-3", serial="ACCC8E0000A1", clock=SimClock(manual=True))
    yield device
    device.close()


def lpr(camera: SimulatedDevice) -> LprApp:
    assert camera.lpr is not None
    return camera.lpr


def reads(camera: SimulatedDevice) -> list[SimEvent]:
    return camera.bus.events(ALPV + "AllPlates")


def summary(camera: SimulatedDevice) -> list[tuple[float, str, str, str, str]]:
    """(time, carID, carState, text, direction) of every AllPlates event."""
    return [
        (
            e.time,
            e.data["carID"],
            e.data["carState"],
            e.data["text"],
            e.data["carMoveDirection"],
        )
        for e in reads(camera)
    ]


def states(camera: SimulatedDevice, name: str) -> list[tuple[float, str]]:
    return [(e.time, e.data["active"]) for e in camera.bus.events(ALPV + name)]


def entry_us(camera: SimulatedDevice) -> int:
    """Microseconds since the epoch of clock reading 0, when the tests present vehicles."""
    return round(camera.clock.wall_at(0.0) * 1_000_000)


# --- the lifecycle --------------------------------------------------------------------------


def test_new_at_once_update_with_the_direction_lost_ten_seconds_after_the_last_read(
    camera: SimulatedDevice,
) -> None:
    car_id = lpr(camera).present(Vehicle("ABC123", direction="in", dwell_s=2.0))
    assert car_id == 1
    assert summary(camera) == [(0.0, "1", "new", "ABC123", "unknown")]
    camera.clock.advance(2.0)  # reads every 0.5 s; the second one learns the direction
    assert summary(camera)[1:] == [(0.5, "1", "update", "ABC123", "in")]
    camera.clock.advance(9.9)
    assert len(reads(camera)) == 2
    camera.clock.advance(0.1)
    assert summary(camera)[2:] == [(12.0, "1", "lost", "ABC123", "in")]
    assert [e.topic for e in camera.bus.events() if e.topic.startswith(ALPV + "New")] == [
        ALPV + "New"
    ]
    assert len(camera.bus.events(ALPV + "Update")) == 1
    assert len(camera.bus.events(ALPV + "Lost")) == 1
    assert lpr(camera).tracks() == []


def test_a_misread_is_corrected_by_an_update_before_the_direction(
    camera: SimulatedDevice,
) -> None:
    lpr(camera).present(Vehicle("ABC123", misread="A8C123", direction="out", dwell_s=2.0))
    camera.clock.advance(20)
    assert [row[2:] for row in summary(camera)] == [
        ("new", "A8C123", "unknown"),
        ("update", "ABC123", "unknown"),
        ("update", "ABC123", "out"),
        ("lost", "ABC123", "out"),
    ]
    assert [row[0] for row in summary(camera)] == [0.0, 0.5, 1.0, 12.0]


def test_the_last_read_reports_everything_still_pending(camera: SimulatedDevice) -> None:
    lpr(camera).present(Vehicle("ABC123", misread="A8C123", direction="in", read_times=(0, 3)))
    camera.clock.advance(20)
    assert [row[:3] + row[4:] for row in summary(camera)] == [
        (0.0, "1", "new", "unknown"),
        (3.0, "1", "update", "in"),
        (13.0, "1", "lost", "in"),
    ]


def test_a_vehicle_read_once_has_its_direction_only_in_lost(camera: SimulatedDevice) -> None:
    lpr(camera).present(Vehicle("ABC123", direction="out", dwell_s=0))
    camera.clock.advance(10)
    assert [row[2:] for row in summary(camera)] == [
        ("new", "ABC123", "unknown"),
        ("lost", "ABC123", "out"),
    ]


def test_lost_follows_the_configured_ttl(camera: SimulatedDevice) -> None:
    app = lpr(camera)
    with camera.lock:
        app.state.detection.ttl_s = 3.0
    app.present(Vehicle("ABC123", read_times=(0.0, 0.7, 1.5)))
    camera.clock.advance(4.4)
    assert [row[2] for row in summary(camera)] == ["new", "update"]
    camera.clock.advance(0.1)
    assert summary(camera)[-1][:3] == (4.5, "1", "lost")


def test_each_vehicle_gets_the_next_car_id_and_each_event_the_next_packet(
    camera: SimulatedDevice,
) -> None:
    app = lpr(camera)
    assert app.present(Vehicle("ABC123", dwell_s=0)) == 1
    camera.clock.advance(1)
    assert app.present(Vehicle("ABC123", dwell_s=0)) == 2
    assert app.present(Vehicle("XYZ987", direction="unknown", dwell_s=0)) == 3
    camera.clock.advance(20)
    assert [row[1:3] for row in summary(camera)] == [
        ("1", "new"),
        ("2", "new"),
        ("3", "new"),
        ("1", "lost"),
        ("2", "lost"),
        ("3", "lost"),
    ]
    assert summary(camera)[-1][4] == "unknown"
    assert app.state.packet_counter == 6
    assert app.state.car_counter == 3


def test_plates_the_camera_does_not_read_give_no_car_and_no_event(
    camera: SimulatedDevice,
) -> None:
    app = lpr(camera)
    assert app.present(Vehicle("ABC1")) is None  # fewer than five characters
    assert app.present(Vehicle("ABC123", confidence=0.3)) is None  # under the sensitivity
    camera.clock.advance(20)
    assert reads(camera) == []
    assert app.state.car_counter == 0
    with camera.lock:
        app.state.detection.min_chars = 4
        app.state.detection.sensitivity = 0.25
    assert app.present(Vehicle("ABC1")) == 1
    assert app.present(Vehicle("ABC123", confidence=0.3)) == 2


def test_a_misread_too_short_to_read_is_skipped(camera: SimulatedDevice) -> None:
    lpr(camera).present(Vehicle("ABC123", misread="AB", direction="in"))
    camera.clock.advance(20)
    assert [row[2:4] for row in summary(camera)] == [
        ("new", "ABC123"),
        ("update", "ABC123"),
        ("lost", "ABC123"),
    ]


# --- event log and images -------------------------------------------------------------------


def test_one_event_log_entry_per_vehicle_with_its_latest_read(camera: SimulatedDevice) -> None:
    app = lpr(camera)
    with camera.lock:
        app.state.lists["allow"].entries["ABC123"] = PlateEntry("ABC123", description="staff")
    app.present(
        Vehicle("ABC123", misread="A8C123", direction="in", roi=2, confidence=0.8, country="DEU")
    )
    (entry,) = app.state.events
    assert (entry.car_id, entry.plate, entry.direction, entry.list_key) == (
        1,
        "A8C123",
        "unknown",
        "allow",  # one character off still matches
    )
    first_image = entry.image_name
    camera.clock.advance(20)
    (entry,) = app.state.events
    assert (entry.plate, entry.direction, entry.roi, entry.country, entry.confidence) == (
        "ABC123",
        "in",
        2,
        "DEU",
        0.8,
    )
    assert (entry.list_key, entry.list_description) == ("allow", "staff")
    assert entry.timestamp_us == entry_us(camera)
    # Each read's image stays retrievable by the name its events gave.
    assert app.image(first_image) is not None
    assert jpeg_comment(app.image(entry.image_name) or b"") == "plate=ABC123 car=1 packet=3"
    assert entry.image_name.endswith("lp_ABC123_3.jpg")


def test_clearing_the_results_empties_the_log_and_the_images(camera: SimulatedDevice) -> None:
    app = lpr(camera)
    app.present(Vehicle("ABC123", dwell_s=0))
    name = app.state.events[0].image_name
    assert app.image(name) is not None
    app.clear_events()
    assert list(app.state.events) == []
    assert app.image(name) is None
    camera.clock.advance(20)  # the vehicle's LOST finds no log entry and makes none
    assert list(app.state.events) == []


def test_images_are_valid_baseline_jpegs_that_differ_per_read() -> None:
    image = plate_jpeg("plate=TÖL123 car=7 packet=9")
    markers = [marker for marker, _ in segments(image)]
    assert markers == [0xE0, 0xFE, 0xDB, 0xC0, 0xC4, 0xDA]
    found = dict(segments(image))
    assert found[0xE0].startswith(b"JFIF\x00")
    precision, height, width, components = struct.unpack(">BHHB", found[0xC0][:6])
    assert (precision, width, height, components) == (8, WIDTH, HEIGHT, 1)
    assert jpeg_comment(image) == "plate=TÖL123 car=7 packet=9"
    assert image.endswith(b"\xff\xd9")
    assert plate_jpeg("plate=A car=1 packet=1") != plate_jpeg("plate=A car=1 packet=2")
    with pytest.raises(ValueError, match="cut short"):
        segments(image[:30])


# --- ALPV events ----------------------------------------------------------------------------


def test_all_plates_carries_the_samples_data_items(camera: SimulatedDevice) -> None:
    app = lpr(camera)
    with camera.lock:
        app.state.lists["block"].entries["WR6677"] = PlateEntry("WR6677", description="wanted")
    app.present(
        Vehicle(
            "WR6677",
            country="PRT",
            region="Lisboa",
            region_code="L",
            roi=2,
            vehicle_type="TRUCK",
            color="RED",
            view="rear",
        )
    )
    data: dict[str, Any] = dict(reads(camera)[0].data)
    assert data["text"] == "WR6677"
    assert data["carState"] == "new"
    assert data["carMoveDirection"] == "unknown"
    assert (data["country"], data["region"], data["regionCode"]) == ("PRT", "Lisboa", "L")
    assert (data["listName"], data["listMode"], data["listDescription"]) == (
        "Block list",
        "block",
        "wanted",
    )
    assert data["action"] == "Denied"
    assert (data["roiID"], data["vehicleType"], data["vehicleColor"], data["view"]) == (
        "2",
        "TRUCK",
        "RED",
        "rear",
    )
    assert data["MACAddress"] == camera.serial
    assert int(data["capture_timestamp"]) == entry_us(camera) // 1000
    assert all(data[name].isdigit() for name in ("left", "top", "width", "height"))
    assert jpeg_comment(base64.b64decode(data["lpImage"])) == "plate=WR6677 car=1 packet=1"
    assert all(isinstance(value, str) for value in data.values())


def test_stateful_topics_hold_from_new_until_lost(camera: SimulatedDevice) -> None:
    app = lpr(camera)
    with camera.lock:
        app.state.lists["allow"].entries["ABC123"] = PlateEntry("ABC123")
    assert states(camera, "PlateInView") == [(0.0, "0")]
    app.present(Vehicle("ABC123", direction="out", roi=2, dwell_s=1))
    camera.clock.advance(5)
    app.present(Vehicle("XYZ987", direction="in", roi=1, dwell_s=1))  # on no list
    camera.clock.advance(30)
    assert states(camera, "PlateInView") == [(0.0, "0"), (0.0, "1"), (16.0, "0")]
    assert states(camera, "Allow_list") == [(0.0, "0"), (0.0, "1"), (11.0, "0")]
    assert states(camera, "NotInList") == [(0.0, "0"), (5.0, "1"), (16.0, "0")]
    assert states(camera, "Roi2") == [(0.0, "0"), (0.0, "1"), (11.0, "0")]
    assert states(camera, "Roi1") == [(0.0, "0"), (5.0, "1"), (16.0, "0")]
    assert states(camera, "PlateOUT") == [(0.0, "0"), (0.5, "1"), (11.0, "0")]
    assert states(camera, "PlateIN") == [(0.0, "0"), (5.5, "1"), (16.0, "0")]
    assert states(camera, "Block_list") == [(0.0, "0")]


def test_a_restart_forgets_vehicles_in_view_and_reads_nothing_while_down(
    camera: SimulatedDevice,
) -> None:
    app = lpr(camera)
    app.present(Vehicle("ABC123"))
    camera.restart(seconds=5)
    assert app.tracks() == []
    assert states(camera, "PlateInView")[-1] == (0.0, "0")
    assert app.present(Vehicle("XYZ987")) is None
    camera.clock.advance(30)
    assert [row[2] for row in summary(camera)] == ["new"]  # no LOST for a forgotten vehicle
    assert app.present(Vehicle("XYZ987")) == 2
    assert [e.car_id for e in app.state.events] == [1, 2]  # the log survives the restart


def test_factory_default_resets_lists_counters_and_the_log(camera: SimulatedDevice) -> None:
    app = lpr(camera)
    with camera.lock:
        app.state.lists["allow"].entries["ABC123"] = PlateEntry("ABC123")
    app.present(Vehicle("ABC123"))
    camera.factory_default()
    assert app.tracks() == []
    assert (app.state.car_counter, app.state.packet_counter, len(app.state.events)) == (0, 0, 0)
    assert app.state.lists["allow"].entries == {}
    assert app.present(Vehicle("ABC123")) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"plate": " "}, "plate"),
        ({"plate": "A" * 33}, "plate"),
        ({"plate": "ABC\n123"}, "plate"),
        ({"plate": "ABC123", "country": "se"}, "country"),
        ({"plate": "ABC123", "direction": "sideways"}, "direction"),
        ({"plate": "ABC123", "roi": 3}, "roi"),
        ({"plate": "ABC123", "confidence": 1.5}, "confidence"),
        ({"plate": "ABC123", "dwell_s": -1}, "dwell_s"),
        ({"plate": "ABC123", "misread": "ABC123"}, "misread"),
        ({"plate": "ABC123", "read_times": (0.5, 1.0)}, "read_times[0]"),
        ({"plate": "ABC123", "read_times": (0.0, 2.0, 1.0)}, "read_times[2]"),
        ({"plate": "ABC123", "vehicle_type": "UFO"}, "vehicle_type"),
    ],
)
def test_a_vehicle_the_camera_could_not_show_is_refused(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidVehicleError) as refused:
        Vehicle(**fields)
    assert refused.value.field == field


def test_reads_follow_the_dwell_time() -> None:
    assert Vehicle("ABC123", dwell_s=1.2).read_offsets() == (0.0, 0.5, 1.0, 1.2)
    assert Vehicle("ABC123", dwell_s=0).read_offsets() == (0.0,)
    assert Vehicle("ABC123", read_times=(0, 4)).read_offsets() == (0.0, 4.0)


# --- on the event stream --------------------------------------------------------------------


async def test_the_event_stream_delivers_all_plates_typed(
    gate_adevice: AsyncDevice, gate_camera: SimulatedDevice
) -> None:
    app = lpr(gate_camera)
    async with open_stream(gate_adevice, [ALPV + "AllPlates"]) as stream:
        app.present(Vehicle("TÖLSL123", country="DEU", region_code="TÖL", direction="in"))
        event = await stream.get(timeout=5)
    assert isinstance(event, LicensePlateEvent)
    assert event.name == "AllPlates"
    assert (event.plate, event.car_state, event.car_id, event.country) == (
        "TÖLSL123",
        "new",
        "1",
        "DEU",
    )
    assert event.direction == "unknown"
    assert event.region_code == "TÖL"
    assert jpeg_comment(event.plate_image or b"") == "plate=TÖLSL123 car=1 packet=1"
